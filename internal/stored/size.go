package stored

import "github.com/connectd/connectd"

// The estimates of a cached contact's memory, which both stores' row
// caches cap by (sqlite/cache.go, postgres/rowcache.go): rough, but the
// same for both, and growing with what a contact holds.

// RowBytes estimates a contact row: a fixed part, its strings, and its
// own map.
func RowBytes(c *connectd.Contact) int {
	n := 256 + len(c.InstanceID) + len(c.ID) + len(c.InitialContactID) + len(c.PreviousContactID) +
		len(c.RelatedContactID) + len(c.Name) + len(c.Description) + len(c.QueueID) + len(c.ClientToken)
	return n + MapBytes(c.Attributes)
}

// DetailsBytes estimates a contact's details: its tags and references.
func DetailsBytes(c *connectd.Contact) int {
	n := MapBytes(c.Tags)
	for name, ref := range c.References {
		n += 64 + len(name) + len(ref.Type) + len(ref.Value) + len(ref.Status) + len(ref.Arn) + len(ref.StatusReason)
	}
	return n
}

// MapBytes estimates a map's pairs: a map slot and both string headers
// each, and the strings.
func MapBytes(m map[string]string) int {
	n := 0
	for k, v := range m {
		n += 64 + len(k) + len(v)
	}
	return n
}
