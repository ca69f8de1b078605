package connectd

import (
	"slices"
	"unicode/utf8"
)

// AppendJSON appends the event to dst exactly as encoding/json's Marshal
// writes it (TestEventJSONIsMarshals compares the two byte for byte).
// Every UpdateContactAttributes writes one CONTACT_DATA_UPDATED event, and
// Marshal's reflection over the event's twenty fields was about 7 µs of
// the update's 180 µs on SQLite (BENCHMARKS.md, "Issue 18, session 5").
func (e *ContactEventMessage) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"version":`...)
	dst = appendJSONString(dst, e.Version)
	dst = appendJSONField(dst, "id", e.ID)
	dst = appendJSONField(dst, "detail-type", e.DetailType)
	dst = appendJSONField(dst, "source", e.Source)
	dst = appendJSONField(dst, "account", e.Account)
	dst = appendJSONField(dst, "time", e.Time)
	dst = appendJSONField(dst, "region", e.Region)
	dst = append(dst, `,"resources":[`...)
	dst = appendJSONString(dst, e.Resources[0])
	dst = append(dst, ',')
	dst = appendJSONString(dst, e.Resources[1])
	dst = append(dst, `],"detail":`...)
	dst = e.Detail.appendJSON(dst)
	return append(dst, '}')
}

// appendJSON writes the detail in its fields' order, leaving out the
// omitempty ones that are empty, as Marshal does.
func (d *ContactEventDetail) appendJSON(dst []byte) []byte {
	dst = append(dst, `{"eventType":`...)
	dst = appendJSONString(dst, d.EventType)
	dst = appendJSONField(dst, "contactId", d.ContactID)
	dst = appendJSONField(dst, "initialContactId", d.InitialContactID)
	if d.PreviousContactID != "" {
		dst = appendJSONField(dst, "previousContactId", d.PreviousContactID)
	}
	if d.RelatedContactID != "" {
		dst = appendJSONField(dst, "relatedContactId", d.RelatedContactID)
	}
	dst = appendJSONField(dst, "channel", d.Channel)
	dst = appendJSONField(dst, "instanceArn", d.InstanceARN)
	dst = appendJSONField(dst, "initiationMethod", d.InitiationMethod)
	dst = append(dst, `,"initiationTimestamp":`...)
	dst = appendJSONStringOrNull(dst, d.InitiationTimestamp)
	if d.DisconnectTimestamp != nil {
		dst = append(dst, `,"disconnectTimestamp":`...)
		dst = appendJSONString(dst, *d.DisconnectTimestamp)
	}
	if q := d.QueueInfo; q != nil {
		dst = append(dst, `,"queueInfo":{"queueArn":`...)
		dst = appendJSONString(dst, q.QueueARN)
		dst = appendJSONField(dst, "queueType", q.QueueType)
		if q.EnqueueTimestamp != nil {
			dst = append(dst, `,"enqueueTimestamp":`...)
			dst = appendJSONString(dst, *q.EnqueueTimestamp)
		}
		dst = append(dst, '}')
	}
	if len(d.Tags) > 0 {
		dst = append(dst, `,"tags":`...)
		dst = appendJSONObject(dst, d.Tags)
	}
	if len(d.UpdatedProperties) > 0 {
		dst = append(dst, `,"updatedProperties":[`...)
		for i, p := range d.UpdatedProperties {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, p)
		}
		dst = append(dst, ']')
	}
	return append(dst, '}')
}

// appendJSONField appends `,"name":` and v; name is a literal that needs
// no escaping.
func appendJSONField(dst []byte, name, v string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendJSONString(dst, v)
}

// appendJSONStringOrNull appends *p, or null for nil.
func appendJSONStringOrNull(dst []byte, p *string) []byte {
	if p == nil {
		return append(dst, "null"...)
	}
	return appendJSONString(dst, *p)
}

// appendJSONObject appends m with its keys sorted, as Marshal sorts a map.
func appendJSONObject(dst []byte, m map[string]string) []byte {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, k)
		dst = append(dst, ':')
		dst = appendJSONString(dst, m[k])
	}
	return append(dst, '}')
}

// appendJSONString appends s quoted as encoding/json quotes it: <, > and &
// as \u003c, \u003e and \u0026 (Marshal escapes HTML by default), U+2028
// and U+2029 escaped, \b \f \n \r \t in their short forms, other control
// characters as \u00XX, and each invalid UTF-8 byte as \ufffd.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if jsonSafe(b) {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '"', '\\':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// The ASCII bytes appendJSONString copies as they are, one bit each: 0x20
// to 0x7f but for '"', '&', '<', '>' (in safeLow, bits 0x00–0x3f) and '\\'
// (in safeHigh, 0x40–0x7f). A bit test per byte instead of six compares.
const (
	safeLow  uint64 = 0xffffffff_00000000 &^ (1<<'"' | 1<<'&' | 1<<'<' | 1<<'>')
	safeHigh uint64 = 0xffffffff_ffffffff &^ (1 << ('\\' - 64))
)

// jsonSafe reports whether ASCII byte b needs no escaping.
func jsonSafe(b byte) bool {
	if b < 64 {
		return safeLow>>b&1 == 1
	}
	return safeHigh>>(b-64)&1 == 1
}
