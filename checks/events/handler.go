package events

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"
)

// Path is where the service posts its events.
const Path = "/webhook/bot-events"

// DefaultMaxBody bounds a request body.
const DefaultMaxBody = 1 << 20

// EventSink records events; Memory is one, a database-backed store can be
// another.
type EventSink interface {
	Record(ctx context.Context, e Event) error
}

// Options configures a Handler.
type Options struct {
	// Secret keys the HMAC; required (the WEBHOOK secret shared with the
	// service, from the environment).
	Secret []byte
	// MaxBody bounds the body in bytes (default 1 MiB).
	MaxBody int64
	// Sink records the events; required.
	Sink EventSink
	// Clock returns the current time (default time.Now).
	Clock func() time.Time
	// Logger gets refusals and sink failures (default: discarded).
	Logger *slog.Logger
}

// Handler is the http.Handler for POST /webhook/bot-events. It answers
// 405 to other methods, 413 to a body over the limit, 401 to a missing,
// malformed or wrong signature, 400 to a body that is not an event, 500
// when the sink fails (so the service retries) and 200 when every event
// in the body was recorded. Nothing is recorded unless the signature of
// the raw body is right.
type Handler struct {
	secret  []byte
	maxBody int64
	sink    EventSink
	clock   func() time.Time
	log     *slog.Logger
}

var _ http.Handler = (*Handler)(nil)

// NewHandler returns a Handler; a missing secret or sink is an error.
func NewHandler(o Options) (*Handler, error) {
	if len(o.Secret) == 0 {
		return nil, errors.New("events: a webhook secret is required")
	}
	if o.Sink == nil {
		return nil, errors.New("events: a sink is required")
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &Handler{
		secret:  append([]byte(nil), o.Secret...),
		maxBody: o.MaxBody,
		sink:    o.Sink,
		clock:   o.Clock,
		log:     o.Logger.With("component", "events"),
	}, nil
}

// ServeHTTP verifies, decodes and records one request's events.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		reply(w, http.StatusMethodNotAllowed, "use POST")
		return
	}
	if r.ContentLength > h.maxBody {
		h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large", nil)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		h.refuse(w, r, http.StatusRequestEntityTooLarge, "body too large", nil)
		return
	case err != nil:
		h.refuse(w, r, http.StatusBadRequest, "cannot read body", err)
		return
	}
	if err := Verify(h.secret, body, r.Header.Get(SignatureHeader)); err != nil {
		h.refuse(w, r, http.StatusUnauthorized, "missing or invalid signature", err)
		return
	}
	evs, err := Decode(body, h.clock())
	if err != nil {
		h.refuse(w, r, http.StatusBadRequest, err.Error(), nil)
		return
	}
	for i, e := range evs {
		if err := h.sink.Record(r.Context(), e); err != nil {
			h.log.Error("cannot record event", "type", string(e.Type), "index", i, "err", err)
			reply(w, http.StatusInternalServerError, "cannot record the event, retry later")
			return
		}
	}
	h.log.Debug("events recorded", "count", len(evs), "first_type", string(evs[0].Type))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, `{"status":"ok","recorded":`+strconv.Itoa(len(evs))+"}\n")
}

func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, code int, msg string, err error) {
	attrs := []any{"status", code, "reason", msg, "remote", r.RemoteAddr}
	if err != nil {
		attrs = append(attrs, "err", err)
	}
	h.log.Warn("event refused", attrs...)
	reply(w, code, msg)
}

func reply(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Write(append(b, '\n'))
}
