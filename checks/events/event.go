package events

import (
	"encoding/json"
	"time"
)

// Type is an event's type, as the service names it.
type Type string

// The event types the monitored service documents. Others are accepted
// and kept as they are.
const (
	TypeUserRegistered    Type = "user_registered"
	TypeUserMessage       Type = "user_message"
	TypeFileProcessed     Type = "file_processed"
	TypeAdminAction       Type = "admin_action"
	TypeSystemAlert       Type = "system_alert"
	TypePerformanceMetric Type = "performance_metric"
	TypeSecurityViolation Type = "security_violation"
)

// KnownTypes returns the documented event types.
func KnownTypes() []Type {
	return []Type{TypeUserRegistered, TypeUserMessage, TypeFileProcessed, TypeAdminAction,
		TypeSystemAlert, TypePerformanceMetric, TypeSecurityViolation}
}

// Alert levels of a system_alert, least severe first.
const (
	LevelInfo     = "info"
	LevelWarning  = "warning"
	LevelError    = "error"
	LevelCritical = "critical"
)

// Event is one event from the service.
type Event struct {
	Type Type
	// Timestamp is the event's own time; ReceivedAt when it has none or it
	// cannot be read.
	Timestamp time.Time
	// ReceivedAt is when opsbot received it; windows are measured on it,
	// so a service clock that is off (or a naive local timestamp) cannot
	// hide a fresh alert.
	ReceivedAt time.Time
	// Fields are the event's fields as sent, raw JSON (those of a "data"
	// or "payload" object when there is one); bounded, see Decode.
	Fields map[string]json.RawMessage
	// File, Alert and Metric are set for their event types.
	File   *File
	Alert  *Alert
	Metric *Metric
}

// File is a file_processed event's payload.
type File struct {
	FileType         string
	ProcessingTimeMS float64
	// Success is false when the event says success: false (or "false", 0),
	// or has no success field but a non-empty error.
	Success bool
}

// Alert is a system_alert event's payload.
type Alert struct {
	// Level is info, warning, error or critical, lower-cased; warn, err,
	// crit and fatal are read as their long forms, and anything else is
	// kept as sent (and treated as info).
	Level     string
	Component string
	Message   string
}

// Metric is a performance_metric event's payload.
type Metric struct {
	MetricType string
	Value      float64
}
