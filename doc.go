// Package connectd holds the domain of connectd, a self-hosted service that
// speaks the Amazon Connect API for contacts and their user-defined contact
// attributes.
//
// This package has the types (Instance, Contact, Attributes), their rules (the
// attribute merge, the 32,768-byte limit, the key rule, contact chains,
// 24-month retention), the error codes, the Service that holds every use case
// once, and the Port that each store implements for it. It imports only the
// standard library (TestImportRules). Adapters live in their own packages
// (sqlite, postgres, api) and only cmd/connectd wires them together.
package connectd
