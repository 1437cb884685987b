// Package maint models maintenance windows: the recurring ones of the
// monitoring checklist (monthly and quarterly), one-off windows an admin
// schedules, and emergency maintenance with its timed steps.
//
// It is pure: no I/O, no clock. Every function takes the time it works at,
// so the same code answers "is this check held now?" in production and in
// tests. Recurring windows are computed from their [Recurrence] and never
// stored; only their early end, early start or cancellation is, as an
// override keyed by the occurrence's ID (see [Calendar]). Stored windows
// live behind the [WindowStore] and [Store] interfaces, which
// storage.Maintenance implements: maint must not import storage, storage
// imports maint.
package maint
