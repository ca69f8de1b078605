package api

import (
	"context"

	"github.com/connectd/connectd"
)

// referenceSummaryMember names the member of the ReferenceSummary union
// that carries a reference of type t. CONTACT_ANALYSIS has none in the
// model, so such references are never listed.
func referenceSummaryMember(t string) string {
	switch t {
	case "URL":
		return "Url"
	case "ATTACHMENT":
		return "Attachment"
	case "STRING":
		return "String"
	case "NUMBER":
		return "Number"
	case "DATE":
		return "Date"
	case "EMAIL":
		return "Email"
	case "EMAIL_MESSAGE":
		return "EmailMessage"
	case "EMAIL_MESSAGE_REDACTED":
		return "EmailMessageRedacted"
	case "EMAIL_MESSAGE_PLAIN_TEXT":
		return "EmailMessagePlainText"
	case "EMAIL_MESSAGE_PLAIN_TEXT_REDACTED":
		return "EmailMessagePlainTextRedacted"
	}
	return ""
}

// wireReferenceSummary is the body of one ReferenceSummary member. Url,
// String, Number, Date and Email have Name and Value; Attachment adds
// Status and Arn; the EmailMessage* members have Name and Arn only.
type wireReferenceSummary struct {
	Name   string  `json:"Name"`
	Value  *string `json:"Value,omitempty"`
	Status string  `json:"Status,omitempty"`
	Arn    string  `json:"Arn,omitempty"`
}

func toReferenceSummary(name string, r connectd.Reference) map[string]wireReferenceSummary {
	member := referenceSummaryMember(r.Type)
	if member == "" {
		return nil
	}
	sum := wireReferenceSummary{Name: name}
	switch member {
	case "EmailMessage", "EmailMessageRedacted", "EmailMessagePlainText", "EmailMessagePlainTextRedacted":
		sum.Arn = r.Arn
	case "Attachment":
		sum.Value, sum.Status, sum.Arn = &r.Value, r.Status, r.Arn
	default:
		sum.Value = &r.Value
	}
	return map[string]wireReferenceSummary{member: sum}
}

// listContactReferences serves ListContactReferences (GET
// /contact/references/{InstanceId}/{ContactId}?referenceTypes=URL&...):
// the contact's references of the given types, in name order, in one page.
// The model says NextToken "is always returned as null", so connectd never
// issues one, and a request that sends one is refused.
type listContactReferencesInput struct {
	InstanceId, ContactId string
	ReferenceTypes        []string
	NextToken             *string
}

func (s *Server) listContactReferences(ctx context.Context, c *call, in *listContactReferencesInput) (any, error) {
	if in.NextToken != nil {
		return nil, connectd.Errorf(connectd.EINVALID,
			"Member nextToken is not valid: ListContactReferences returns every reference in one page and issues no NextToken.")
	}
	ct, err := s.cfg.Service.FindContact(ctx, c.owner, in.InstanceId, in.ContactId)
	if err != nil {
		return nil, err
	}
	list := []map[string]wireReferenceSummary{}
	for _, name := range sortedKeys(ct.References) {
		r := ct.References[name]
		if !contains(in.ReferenceTypes, r.Type) {
			continue
		}
		if sum := toReferenceSummary(name, r); sum != nil {
			list = append(list, sum)
		}
	}
	return struct {
		ReferenceSummaryList []map[string]wireReferenceSummary `json:"ReferenceSummaryList"`
	}{list}, nil
}
