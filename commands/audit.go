package commands

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/bot/render"
	"github.com/opsbot/opsbot/storage"
)

// AuditReader reads the audit log, newest first.
type AuditReader interface {
	Recent(ctx context.Context, limit int) ([]storage.AuditEntry, error)
}

const (
	auditDefault = 10
	auditMax     = 50
)

// Audit is /audit [n]: the last n commands and button presses, for admins.
func Audit(log AuditReader) Command {
	return Command{
		Name:        "audit",
		Description: "Recent commands and button presses (admins)",
		Usage:       "/audit [1-50]",
		MinRole:     RoleAdmin,
		Handle: func(ctx context.Context, req Request) (Reply, error) {
			n := auditDefault
			if a := strings.TrimSpace(req.Args); a != "" {
				v, err := strconv.Atoi(a)
				if err != nil || v < 1 || v > auditMax {
					return Reply{}, ErrUsage
				}
				n = v
			}
			entries, err := log.Recent(ctx, n)
			if err != nil {
				return Reply{}, err
			}
			h := render.NewHTML().Bold("Audit log").Text(" (newest first)").Line()
			if len(entries) == 0 {
				h.Italic("Nothing recorded yet.")
			}
			for _, e := range entries {
				who := e.Username
				if who == "" {
					who = strconv.FormatInt(e.UserID, 10)
				}
				h.Code(e.At.UTC().Format(time.DateTime)).Text(" " + who + " ").Code(e.Kind + " " + e.Action).Text(" → " + e.Outcome)
				if e.Detail != "" {
					h.Text(" (" + e.Detail + ")")
				}
				h.Line()
			}
			return Text(h), nil
		},
	}
}
