package api

import "github.com/connectd/connectd"

// wireSnapshotFlow is a flow in the import and export format: the
// ContactFlow shape's members with its instance's id.
type wireSnapshotFlow struct {
	InstanceId         string            `json:"InstanceId"`
	Id                 string            `json:"Id"`
	Name               string            `json:"Name"`
	Type               string            `json:"Type"`
	State              string            `json:"State,omitempty"`
	Status             string            `json:"Status,omitempty"`
	Description        string            `json:"Description,omitempty"`
	Content            string            `json:"Content"`
	Tags               map[string]string `json:"Tags,omitempty"`
	LastModifiedTime   *epoch            `json:"LastModifiedTime,omitempty"`
	LastModifiedRegion string            `json:"LastModifiedRegion,omitempty"`
}

// wireSnapshotLambda is a Lambda function associated with an instance.
type wireSnapshotLambda struct {
	InstanceId  string `json:"InstanceId"`
	FunctionArn string `json:"FunctionArn"`
}

func importedFlows(in wireSnapshot) ([]*connectd.Flow, []connectd.LambdaAssociation) {
	var flows []*connectd.Flow
	for _, w := range in.ContactFlows {
		flows = append(flows, &connectd.Flow{
			InstanceID: w.InstanceId, ID: w.Id, Name: w.Name, Type: w.Type, State: w.State, Status: w.Status,
			Description: w.Description, Content: w.Content, Tags: w.Tags,
			LastModifiedTime: w.LastModifiedTime.Time(), LastModifiedRegion: w.LastModifiedRegion,
		})
	}
	var lambdas []connectd.LambdaAssociation
	for _, w := range in.LambdaFunctions {
		lambdas = append(lambdas, connectd.LambdaAssociation{InstanceID: w.InstanceId, FunctionARN: w.FunctionArn})
	}
	return flows, lambdas
}

func exportedFlows(snap *connectd.Snapshot) ([]wireSnapshotFlow, []wireSnapshotLambda) {
	var flows []wireSnapshotFlow
	for _, f := range snap.Flows {
		flows = append(flows, wireSnapshotFlow{
			InstanceId: f.InstanceID, Id: f.ID, Name: f.Name, Type: f.Type, State: f.State, Status: f.Status,
			Description: f.Description, Content: f.Content, Tags: f.Tags,
			LastModifiedTime: epochOf(f.LastModifiedTime), LastModifiedRegion: f.LastModifiedRegion,
		})
	}
	var lambdas []wireSnapshotLambda
	for _, l := range snap.LambdaFunctions {
		lambdas = append(lambdas, wireSnapshotLambda{l.InstanceID, l.FunctionARN})
	}
	return flows, lambdas
}
