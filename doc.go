// Package connectd holds the domain of connectd, a self-hosted service that
// speaks the Amazon Connect API for contacts and their user-defined contact
// attributes.
//
// This package has the types (Instance, Contact, Attributes), the rules that
// every store applies (the attribute merge, the 32,768-byte limit, the key
// rule, contact chains, 24-month retention), the error codes, and the Store
// interface. It imports only the standard library. Adapters live in their own
// packages (sqlite, api) and only cmd/connectd wires them together.
package connectd
