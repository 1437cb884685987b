// Package storage is opsbot's persistence layer on MongoDB (official driver v2).
//
// [Open] connects to MONGODB_URI or, when it is empty, starts an embedded
// MongoDB-compatible server (FerretDB v1 with its SQLite backend) under the data
// directory. Everything here sticks to the subset that both MongoDB and
// FerretDB v1 support: plain CRUD, unique and compound indexes, simple
// aggregation, and expiry by DeleteMany instead of TTL indexes. FerretDB v1 is
// not atomic across connections, so the embedded client uses a single
// connection, and whatever must be atomic across processes is built on inserts
// against unique indexes.
//
// Repositories ([AuditLog], [Counters], [History], [RuleStates], [Incidents],
// [Outbox], [Silences], [Once], [Maintenance], [Checklists], [Emergencies],
// [EventCounts]) are concrete types, each on collections of its own; their
// consumers declare the interfaces they need.
package storage
