package stored

import "github.com/connectd/connectd"

// Rows is what the result sets of both drivers (database/sql's *sql.Rows
// and pgx's pgx.Rows) offer for reading; closing differs, so each store
// closes its own.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// Collect reads every row of rs with scan, which fills one value from the
// row's columns through the Scan it is given.
func Collect[T any](rs Rows, scan func(scan func(dest ...any) error) (T, error)) ([]T, error) {
	var out []T
	for rs.Next() {
		v, err := scan(rs.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rs.Err()
}

// StorageConfigOf reads a storage config of instanceID from the columns
// association_id, resource_type, storage_type, stream_arn, firehose_arn,
// document, in that order.
func StorageConfigOf(instanceID string) func(scan func(dest ...any) error) (*connectd.StorageConfig, error) {
	return func(scan func(dest ...any) error) (*connectd.StorageConfig, error) {
		sc := &connectd.StorageConfig{InstanceID: instanceID}
		var doc string
		if err := scan(&sc.AssociationID, &sc.ResourceType, &sc.StorageType, &sc.StreamARN, &sc.FirehoseARN, &doc); err != nil {
			return nil, err
		}
		sc.Document = []byte(doc)
		return sc, nil
	}
}

// FlowDocOf reads a flow document from the columns instance_id, kind, id,
// doc, in that order.
func FlowDocOf(scan func(dest ...any) error) (connectd.FlowDoc, error) {
	var d connectd.FlowDoc
	var doc string
	if err := scan(&d.InstanceID, &d.Kind, &d.ID, &doc); err != nil {
		return d, err
	}
	d.Doc = []byte(doc)
	return d, nil
}
