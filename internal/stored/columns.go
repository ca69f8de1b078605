package stored

import (
	"time"

	"github.com/connectd/connectd"
)

// ContactColumns are the columns of contacts c that both stores spell
// alike, in the order of ContactValues; each store follows them with its
// five time columns (initiated, scheduled, disconnected, updated,
// enqueued).
const ContactColumns = `c.instance_id, c.id, c.initial_contact_id, c.previous_contact_id,
	c.related_contact_id, c.channel, c.initiation_method, c.name, c.description,
	c.queue_id, c.client_token`

// InstanceColumns are the columns of instances that both stores spell
// alike, in the order of InstanceValues; each store follows them with its
// created column and tags.
const InstanceColumns = `id, account, region, alias, identity_management_type, directory_id,
	inbound, outbound, status`

// Driver is how one store's driver takes the values of an optional string
// column (NULL for "") and of a time column (NULL for the zero time), and
// scans a time column (ScanTime returns a fresh destination).
type Driver struct {
	Optional func(string) any
	Time     func(time.Time) any
	ScanTime func() TimeDest
}

// ContactValues returns the values of c's row in the order of both stores'
// insertContact columns (instance_id, id, initial_contact_id,
// previous_contact_id, related_contact_id, channel, initiation_method,
// name, description, queue_id, client_token, initiated, scheduled,
// disconnected, updated, attributes, enqueued), with own as the map
// document.
func (d Driver) ContactValues(c *connectd.Contact, own any) []any {
	return []any{c.InstanceID, c.ID, c.InitialContactID,
		d.Optional(c.PreviousContactID), d.Optional(c.RelatedContactID), string(c.Channel),
		string(c.InitiationMethod), c.Name, c.Description, c.QueueID, d.Optional(c.ClientToken),
		d.Time(c.InitiationTimestamp), d.Time(c.ScheduledTimestamp), d.Time(c.DisconnectTimestamp),
		d.Time(c.LastUpdateTimestamp), own, d.Time(c.EnqueueTimestamp)}
}

// InstanceValues returns the values of inst's row in the order of both
// stores' instanceColumns (id, account, region, alias,
// identity_management_type, directory_id, inbound, outbound, status,
// created, tags), with tags as the tag map document.
func (d Driver) InstanceValues(inst *connectd.Instance, tags any) []any {
	return []any{inst.ID, inst.Owner.AccountID, inst.Owner.Region, d.Optional(inst.Alias),
		inst.IdentityManagementType, d.Optional(inst.DirectoryID),
		inst.InboundCallsEnabled, inst.OutboundCallsEnabled, inst.Status,
		d.Time(inst.CreatedTime), tags}
}

// Dialect is how one store's SQL spells the columns of a search.
type Dialect struct {
	// TimeSuffix ends the name of a time column: "_ms", "_at".
	TimeSuffix string
	// Never is a time after every time, which unset times sort as, so
	// that they come last in ascending order.
	Never string
	// Bytewise follows a text column to compare it byte by byte, as Go
	// does ("" where that is already the column's collation).
	Bytewise string
}

// TimeColumn is the column of contacts c a search's time range of type t
// filters on; "" for the types connectd keeps no time for (connection to
// an agent, enqueue).
func (d Dialect) TimeColumn(t connectd.TimeRangeType) string {
	switch t {
	case connectd.TimeInitiation:
		return "c.initiated" + d.TimeSuffix
	case connectd.TimeScheduled:
		return "c.scheduled" + d.TimeSuffix
	case connectd.TimeDisconnect:
		return "c.disconnected" + d.TimeSuffix
	}
	return ""
}

// SortExpr is the SQL of connectd.SortKey over contacts c.
func (d Dialect) SortExpr(f connectd.SortField) string {
	switch f {
	case connectd.SortScheduled:
		return "coalesce(" + d.TimeColumn(connectd.TimeScheduled) + ", " + d.Never + ")"
	case connectd.SortDisconnect:
		return "coalesce(" + d.TimeColumn(connectd.TimeDisconnect) + ", " + d.Never + ")"
	case connectd.SortConnectedToAgent:
		return d.Never // never set in connectd
	case connectd.SortChannel:
		return "c.channel" + d.Bytewise
	case connectd.SortInitiationMethod:
		return "c.initiation_method" + d.Bytewise
	}
	// SortInitiation, SortExpiry: never NULL, and the search indexes' order.
	return d.TimeColumn(connectd.TimeInitiation)
}
