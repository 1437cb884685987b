package railwaytest

// execute answers a validated operation: the data for its root field, or a
// GraphQL error message.
func (s *Server) execute(op *operation) (data map[string]any, errMsg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var (
		result any
		msg    string
		typ    string
	)
	switch op.root.name {
	case "metrics":
		result, msg = s.metricsLocked(op.args)
	case "deployments":
		result, msg = s.deploymentsLocked(op.args)
	case "deploymentRestart":
		result, msg = s.restartLocked(op.args)
	}
	if msg != "" {
		return nil, msg
	}
	typ = rootFields[op.kind][op.root.name]
	return map[string]any{op.root.alias: project(result, op.root.sel, parseType(typ))}, ""
}

// project keeps of v what sel selects, keyed by the selections' aliases, as
// a GraphQL server answers only what was asked.
func project(v any, sel []*field, t typeRef) any {
	if v == nil {
		return nil
	}
	if t.list != nil {
		items := v.([]any)
		out := make([]any, len(items))
		for i, item := range items {
			out[i] = project(item, sel, *t.list)
		}
		return out
	}
	fields, isObject := objectTypes[t.name]
	if !isObject {
		return v
	}
	obj := v.(map[string]any)
	out := make(map[string]any, len(sel))
	for _, f := range sel {
		out[f.alias] = project(obj[f.name], f.sel, parseType(fields[f.name]))
	}
	return out
}
