package storage

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/opsbot/opsbot/checks"
)

// RuleStatesCollection holds the held state of every rule for every check.
const RuleStatesCollection = "rule_states"

// RuleStates persists checks.RuleState, one document per rule and check
// keyed by _id "<rule>|<check>", so that a restart neither loses a 2-minute
// hold nor fires an alert twice. The collection is as small as rules ×
// checks, so loading it whole at start is cheap.
type RuleStates struct {
	coll *mongo.Collection
}

var _ checks.StateStore = (*RuleStates)(nil)

// RuleStates returns the rule state repository.
func (s *Store) RuleStates() *RuleStates {
	return &RuleStates{coll: s.db.Collection(RuleStatesCollection)}
}

type ruleStateDoc struct {
	ID               string `bson:"_id"`
	checks.RuleState `bson:",inline"`
}

// LoadStates returns every stored state.
func (r *RuleStates) LoadStates(ctx context.Context) ([]checks.RuleState, error) {
	cur, err := r.coll.Find(ctx, bson.D{})
	if err != nil {
		return nil, fmt.Errorf("storage: load rule states: %w", err)
	}
	var docs []ruleStateDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("storage: load rule states: %w", err)
	}
	out := make([]checks.RuleState, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.RuleState)
	}
	return out, nil
}

// SaveState stores s, replacing the previous state of its rule and check.
func (r *RuleStates) SaveState(ctx context.Context, s checks.RuleState) error {
	_, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: s.Key()}}, ruleStateDoc{ID: s.Key(), RuleState: s},
		options.Replace().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("storage: save rule state %s: %w", s.Key(), err)
	}
	return nil
}
