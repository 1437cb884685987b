package incident

import "strconv"

// Effect is a side effect a command asks the engine to perform after it
// has persisted the new state: a Page, a RunAction or an UpdateCard.
type Effect interface {
	// Key is an idempotency key for the outbox: performing two effects
	// with the same key twice is performing one.
	Key() string
}

// Page posts the incident card for a level and mentions its people.
type Page struct {
	ID     string   `json:"id" bson:"id"`
	Level  Level    `json:"level" bson:"level"`
	Name   string   `json:"name" bson:"name"`
	Notify []string `json:"notify" bson:"notify"`
	// Reason is "opened", "timeout" or "escalated by @x".
	Reason string `json:"reason" bson:"reason"`
	// PostsCard is set by the engine when this page is the one that
	// posts the incident's card (the first page that was not suppressed).
	PostsCard bool `json:"posts_card,omitempty" bson:"posts_card,omitempty"`
}

// Key returns "INC-42/page/L2": a level is paged once per incident.
func (p Page) Key() string { return p.ID + "/page/" + p.Level.String() }

// RunAction starts a level's automated action (level 1's restart). Report
// its outcome with RecordAction.
type RunAction struct {
	ID     string `json:"id" bson:"id"`
	Level  Level  `json:"level" bson:"level"`
	Action string `json:"action" bson:"action"`
}

// Key returns "INC-42/action/L1".
func (a RunAction) Key() string { return a.ID + "/action/" + a.Level.String() }

// UpdateCard edits the incident's card in place to show the new state;
// with Repost it posts the card anew at the bottom of the chat instead,
// without mentioning anyone (after a reopening or the end of a snooze).
type UpdateCard struct {
	ID     string `json:"id" bson:"id"`
	Rev    int64  `json:"rev" bson:"rev"`
	Repost bool   `json:"repost" bson:"repost"`
}

// Key returns "INC-42/card/7", 7 being the incident's Rev.
func (u UpdateCard) Key() string { return u.ID + "/card/" + strconv.FormatInt(u.Rev, 10) }

// EffectRecord is an Effect as stored with the revision that produced it
// (Incident.Effects): exactly one field is set. The engine commits the
// effects with the incident and performs them afterwards, so a crash in
// between loses none; their keys make performing them again harmless.
type EffectRecord struct {
	Page   *Page       `json:"page,omitempty" bson:"page,omitempty"`
	Action *RunAction  `json:"action,omitempty" bson:"action,omitempty"`
	Card   *UpdateCard `json:"card,omitempty" bson:"card,omitempty"`
}

// Records converts effects for storage.
func Records(effects []Effect) []EffectRecord {
	if len(effects) == 0 {
		return nil
	}
	out := make([]EffectRecord, 0, len(effects))
	for _, e := range effects {
		switch e := e.(type) {
		case Page:
			out = append(out, EffectRecord{Page: &e})
		case RunAction:
			out = append(out, EffectRecord{Action: &e})
		case UpdateCard:
			out = append(out, EffectRecord{Card: &e})
		}
	}
	return out
}

// Effects converts stored records back; empty records are skipped.
func Effects(records []EffectRecord) []Effect {
	out := make([]Effect, 0, len(records))
	for _, r := range records {
		switch {
		case r.Page != nil:
			out = append(out, *r.Page)
		case r.Action != nil:
			out = append(out, *r.Action)
		case r.Card != nil:
			out = append(out, *r.Card)
		}
	}
	return out
}
