package sqlite

import (
	"context"

	"github.com/connectd/connectd"
	"github.com/connectd/connectd/internal/stored"
)

// Flow document queries (connectd.FlowTx).
const (
	queryFlowDoc  = `SELECT doc FROM flow_docs WHERE instance_id = ? AND kind = ? AND id = ?`
	queryFlowDocs = `SELECT instance_id, kind, id, doc FROM flow_docs
		WHERE (? = '' OR instance_id = ?) AND kind = ? ORDER BY instance_id, id`
	upsertFlowDoc = `INSERT INTO flow_docs (instance_id, kind, id, doc) VALUES (?, ?, ?, ?)
		ON CONFLICT (instance_id, kind, id) DO UPDATE SET doc = excluded.doc`
	deleteFlowDoc          = `DELETE FROM flow_docs WHERE instance_id = ? AND kind = ? AND id = ?`
	deleteInstanceFlowDocs = `DELETE FROM flow_docs WHERE instance_id = ?`
)

func (r *rows) FlowDoc(ctx context.Context, instanceID, kind, id string) ([]byte, error) {
	var doc string
	ok, err := r.one(ctx, queryFlowDoc, []any{instanceID, kind, id}, &doc)
	if !ok || err != nil {
		return nil, err
	}
	return []byte(doc), nil
}

func (r *rows) FlowDocs(ctx context.Context, instanceID, kind string) ([]connectd.FlowDoc, error) {
	rs, err := r.q.QueryContext(ctx, queryFlowDocs, instanceID, instanceID, kind)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	return stored.Collect(rs, stored.FlowDocOf)
}

func (r *rows) PutFlowDoc(ctx context.Context, d connectd.FlowDoc) error {
	_, err := r.exec(ctx, upsertFlowDoc, d.InstanceID, d.Kind, d.ID, string(d.Doc))
	return err
}

func (r *rows) DeleteFlowDoc(ctx context.Context, instanceID, kind, id string) (bool, error) {
	res, err := r.exec(ctx, deleteFlowDoc, instanceID, kind, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
