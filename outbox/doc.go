// Package outbox delivers what the Service writes to its outbox: contact
// records to Kinesis Data Streams (PutRecord, partition key the contact id)
// or Firehose (PutRecordBatch), contact events to EventBridge (PutEvents),
// each through the AWS SDK for Go's own client at the endpoint of the
// SDK's standard configuration (AWS_ENDPOINT_URL_KINESIS,
// AWS_ENDPOINT_URL_FIREHOSE, AWS_ENDPOINT_URL_EVENTBRIDGE, or
// AWS_ENDPOINT_URL for all), so LocalStack or any compatible server
// receives them.
//
// A Deliverer runs beside the API, never inside a request: it reads the
// committed PENDING entries in order, sends them, and writes back their
// state. A contact's records go in the order they were written, and so do
// its events; an entry that fails holds back the later entries of its
// contact and kind until it succeeds; other contacts, and the other kind,
// go on. Failures are retried with exponential
// backoff for as long as it takes; entries survive restarts because they
// are rows of the store. The outbox is bounded (Config.Cap): past the cap,
// the oldest entries are dropped, counted and logged.
package outbox
