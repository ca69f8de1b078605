package api

import (
	"context"
	"fmt"
	"strings"

	"github.com/connectd/connectd"
)

// checkTagKey applies the model's ContactTagKey: 1..128 characters matching
// ^(?!aws:)[a-zA-Z+-=._:/]+$. In that class "+-=" is a range (U+002B to
// U+003D), so digits and ",;<" are allowed too; Go's regexp reads it the
// same way. The look-ahead, which Go lacks, is checked by hand.
func (s *Server) checkTagKey(v *validator, name, k string) {
	v.length(name, k, 1, 128)
	if k != "" {
		v.pattern(name, k, s.re.contactTagKey, "a tag key of letters, digits and +,-./:;<=_")
	}
	if strings.HasPrefix(k, "aws:") {
		v.fail("Member %s must not start with the reserved prefix aws:; got %q.", name, k)
	}
}

// tagContact serves TagContact (POST /contact/tags): the tags are added to
// the contact's, replacing those with the same key. ContactTagMap allows 1
// to 6 entries, and a contact's Tags (DescribeContact) at most 6 as well,
// so a result over 6 is InvalidParameterException and changes nothing.
func (s *Server) tagContact(ctx context.Context, c *call) (any, error) {
	var in struct {
		ContactId  *string
		InstanceId *string
		Tags       map[string]string
	}
	if err := decodeBody(c.r.Body, &in); err != nil {
		return nil, err
	}
	var v validator
	v.reqLength("ContactId", in.ContactId, 1, 256)
	v.reqLength("InstanceId", in.InstanceId, 1, 100)
	v.required("Tags", in.Tags != nil)
	if in.Tags != nil && (len(in.Tags) < 1 || len(in.Tags) > connectd.MaxContactTags) {
		v.fail("Member Tags must have between 1 and %d entries; it has %d.", connectd.MaxContactTags, len(in.Tags))
	}
	for _, k := range sortedKeys(in.Tags) {
		s.checkTagKey(&v, "Tags key", k)
		v.length(fmt.Sprintf("Tags[%s]", k), in.Tags[k], 0, 256)
	}
	if v.err != nil {
		return nil, v.err
	}
	return nil, s.cfg.Service.TagContact(ctx, c.owner, *in.InstanceId, *in.ContactId, in.Tags)
}

// untagContact serves UntagContact (DELETE
// /contact/tags/{InstanceId}/{ContactId}?TagKeys=a&TagKeys=b). Keys the
// contact does not have are ignored, as UntagResource does.
func (s *Server) untagContact(ctx context.Context, c *call) (any, error) {
	instanceID, contactID, err := contactLabels(c, "ContactId")
	if err != nil {
		return nil, err
	}
	keys := c.r.URL.Query()["TagKeys"]
	var v validator
	v.required("TagKeys", len(keys) > 0)
	if len(keys) > connectd.MaxContactTags {
		v.fail("Member TagKeys must have between 1 and %d items; it has %d.", connectd.MaxContactTags, len(keys))
	}
	for i, k := range keys {
		s.checkTagKey(&v, fmt.Sprintf("TagKeys[%d]", i), k)
	}
	if v.err != nil {
		return nil, v.err
	}
	return nil, s.cfg.Service.UntagContact(ctx, c.owner, instanceID, contactID, keys)
}
