package api

// operations is the one table of the operations connectd implements. Each
// handler gets its input bound and checked against the model by op (see
// bind.go); every other operation of the model answers 501
// NotImplementedException naming it.
func (s *Server) operations() map[string]handler {
	return map[string]handler{
		"CreateInstance":            op(s, s.createInstance),
		"DescribeInstance":          op(s, s.describeInstance),
		"ListInstances":             op(s, s.listInstances),
		"DeleteInstance":            op(s, s.deleteInstance),
		"StartTaskContact":          op(s, s.startTaskContact),
		"StartChatContact":          op(s, s.startChatContact),
		"StartOutboundVoiceContact": op(s, s.startOutboundVoiceContact),
		"CreateContact":             op(s, s.createContact),
		"DescribeContact":           op(s, s.describeContact),
		"StopContact":               op(s, s.stopContact),
		"UpdateContactAttributes":   op(s, s.updateContactAttributes),
		"GetContactAttributes":      op(s, s.getContactAttributes),
		"SearchContacts":            op(s, s.searchContacts),
		"TransferContact":           op(s, s.transferContact),
		"UpdateContact":             op(s, s.updateContact),
		"ListContactReferences":     op(s, s.listContactReferences),
		"TagContact":                op(s, s.tagContact),
		"UntagContact":              op(s, s.untagContact),
		"StartWebRTCContact":        op(s, s.startWebRTCContact),
		"StartEmailContact":         op(s, s.startEmailContact),

		"AssociateInstanceStorageConfig":    op(s, s.associateStorageConfig),
		"DescribeInstanceStorageConfig":     op(s, s.describeStorageConfig),
		"ListInstanceStorageConfigs":        op(s, s.listStorageConfigs),
		"UpdateInstanceStorageConfig":       op(s, s.updateStorageConfig),
		"DisassociateInstanceStorageConfig": op(s, s.disassociateStorageConfig),
		// The rest of the contact API (issue 19).
		"ListAssociatedContacts":             op(s, s.listAssociatedContacts),
		"PauseContact":                       op(s, s.pauseContact),
		"ResumeContact":                      op(s, s.resumeContact),
		"UpdateContactSchedule":              op(s, s.updateContactSchedule),
		"UpdateContactRoutingData":           op(s, s.updateContactRoutingData),
		"StartOutboundChatContact":           op(s, s.startOutboundChatContact),
		"StartOutboundEmailContact":          op(s, s.startOutboundEmailContact),
		"DeleteContactData":                  op(s, s.deleteContactData),
		"BatchPutContact":                    op(s, s.batchPutContact),
		"CreatePersistentContactAssociation": op(s, s.createPersistentContactAssociation),
		"TagResource":                        op(s, s.tagResource),
		"UntagResource":                      op(s, s.untagResource),
		"ListTagsForResource":                op(s, s.listTagsForResource),
		"AssociateAnalyticsDataSet":          op(s, s.associateAnalyticsDataSet),
		"DisassociateAnalyticsDataSet":       op(s, s.disassociateAnalyticsDataSet),
		"ListAnalyticsDataAssociations":      op(s, s.listAnalyticsDataAssociations),
		"BatchAssociateAnalyticsDataSet":     op(s, s.batchAssociateAnalyticsDataSet),
		"BatchDisassociateAnalyticsDataSet":  op(s, s.batchDisassociateAnalyticsDataSet),
	}
}
