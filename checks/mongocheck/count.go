package mongocheck

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"

	"github.com/opsbot/opsbot/checks"
)

// count runs Options.Count, records the count in metrics and returns its
// verdict and a message part: "security_events: 73 in the last 1h (warn
// above 50)".
func (c *Checker) count(ctx context.Context, client *mongo.Client, metrics map[string]float64) (checks.Status, string) {
	spec := c.o.Count
	since := c.o.Now().Add(-spec.Window)
	filter := bson.D{{Key: spec.TimeField, Value: bson.D{{Key: "$gte", Value: since}}}}
	n, err := client.Database(c.o.Database).Collection(spec.Collection).CountDocuments(ctx, filter)
	if err != nil {
		return checks.StatusWarn, fmt.Sprintf("count of %s %s", spec.Collection, problem(ctx, err))
	}
	metrics["count"] = float64(n)
	msg := fmt.Sprintf("%s: %d in the last %s", spec.Collection, n, checks.FormatDuration(spec.Window))
	switch {
	case spec.CritAbove > 0 && n > spec.CritAbove:
		return checks.StatusCrit, fmt.Sprintf("%s (crit above %d)", msg, spec.CritAbove)
	case spec.WarnAbove > 0 && n > spec.WarnAbove:
		return checks.StatusWarn, fmt.Sprintf("%s (warn above %d)", msg, spec.WarnAbove)
	}
	return checks.StatusOK, msg
}
