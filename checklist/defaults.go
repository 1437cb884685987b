package checklist

// Defaults returns the team's monitoring checklist (the daily, weekly and
// monthly lists of the monitoring and maintenance checklist), one line an
// item. The items are copied here rather than read from the document, so
// the bot never depends on a file at run time, and a Run keeps the wording
// it was posted with. Each call returns fresh values the caller may change.
//
// The daily list keeps under 20 items so that it fits one message with a
// button each; its items opsbot can judge from its own checks name a
// verification and are ticked automatically when it passes.
func Defaults() []List {
	return []List{
		{Kind: KindDaily, Title: "Daily monitoring checklist", Items: daily()},
		{Kind: KindWeekly, Title: "Weekly monitoring checklist", Items: weekly()},
		{Kind: KindMonthly, Title: "Monthly maintenance checklist", Items: monthly()},
	}
}

// section sets the section of items, so the lists below read like the
// document.
func section(name string, items ...Item) []Item {
	for i := range items {
		items[i].Section = name
	}
	return items
}

func daily() []Item {
	var out []Item
	out = append(out, section("System Health",
		Item{ID: "d1", Text: "/health returns 200 OK", Verify: VerifyHealth},
		Item{ID: "d2", Text: "/health/json status is HEALTHY or acceptable DEGRADED", Verify: VerifyHealthStatus},
		Item{ID: "d3", Text: "Error messages in the health response reviewed"},
	)...)
	out = append(out, section("Bot Functionality",
		Item{ID: "d4", Text: "/start answers with the welcome message"},
		Item{ID: "d5", Text: "A plain text message gets an AI response"},
		Item{ID: "d6", Text: "/status shows the system status"},
		Item{ID: "d7", Text: "Bot responds within 5 seconds", Verify: VerifyResponseTime},
	)...)
	out = append(out, section("Performance Metrics",
		Item{ID: "d8", Text: "CPU usage under 80% on average", Verify: VerifyCPU},
		Item{ID: "d9", Text: "Memory usage under 85% of allocated", Verify: VerifyMemory},
		Item{ID: "d10", Text: "No sustained spike patterns"},
		Item{ID: "d11", Text: "Response times under 2 s on average"},
	)...)
	out = append(out, section("Error Log Review",
		Item{ID: "d12", Text: "No errors in the logs in the last 24 h", Verify: VerifyLogsErrors},
		Item{ID: "d13", Text: "No database connection failures", Verify: VerifyLogsDatabase},
		Item{ID: "d14", Text: "No API rate limit exceeded (429) errors", Verify: VerifyLogsRateLimit},
		Item{ID: "d15", Text: "No security violations or attack attempts", Verify: VerifyLogsSecurity},
		Item{ID: "d16", Text: "No file processing crashes"},
	)...)
	out = append(out, section("Database Health",
		Item{ID: "d17", Text: "MongoDB connection active", Verify: VerifyDatabase},
		Item{ID: "d18", Text: "Supabase connection verified", Verify: VerifySupabase},
		Item{ID: "d19", Text: "No connection pool exhaustion"},
		Item{ID: "d20", Text: "Backup status confirmed"},
	)...)
	return out
}

func weekly() []Item {
	var out []Item
	out = append(out, section("Performance Analysis",
		Item{ID: "w1", Text: "Average response time trend analyzed"},
		Item{ID: "w2", Text: "Peak usage times identified"},
		Item{ID: "w3", Text: "Slow queries identified and optimized"},
		Item{ID: "w4", Text: "File processing performance reviewed"},
	)...)
	out = append(out, section("Security Review",
		Item{ID: "w5", Text: "Failed authentication attempts reviewed"},
		Item{ID: "w6", Text: "Rate limiting effectiveness checked"},
		Item{ID: "w7", Text: "File upload security blocks analyzed"},
		Item{ID: "w8", Text: "Admin access logs reviewed"},
	)...)
	out = append(out, section("User Activity Analysis",
		Item{ID: "w9", Text: "Daily active users trend reviewed"},
		Item{ID: "w10", Text: "Most used features identified"},
		Item{ID: "w11", Text: "Error rate by user and feature reviewed"},
		Item{ID: "w12", Text: "Peak usage times of users analyzed"},
	)...)
	out = append(out, section("Resource Optimization Review",
		Item{ID: "w13", Text: "Memory usage trends and savings reviewed"},
		Item{ID: "w14", Text: "CPU usage patterns and bottlenecks identified"},
		Item{ID: "w15", Text: "Storage usage and cleanup needs checked"},
		Item{ID: "w16", Text: "Network bandwidth utilization reviewed"},
	)...)
	return out
}

func monthly() []Item {
	var out []Item
	out = append(out, section("Comprehensive Health Assessment",
		Item{ID: "m1", Text: "All bot features tested end to end"},
		Item{ID: "m2", Text: "Performance compared with last month's benchmark"},
		Item{ID: "m3", Text: "Security posture assessed"},
		Item{ID: "m4", Text: "Compliance requirements verified"},
	)...)
	out = append(out, section("Security Audit",
		Item{ID: "m5", Text: "Environment variables checked for exposed secrets"},
		Item{ID: "m6", Text: "Database connection encryption verified"},
		Item{ID: "m7", Text: "API key rotation assessed"},
		Item{ID: "m8", Text: "Access control effectiveness reviewed"},
	)...)
	out = append(out, section("Performance Optimization",
		Item{ID: "m9", Text: "Database queries reviewed for optimization"},
		Item{ID: "m10", Text: "Memory usage patterns analyzed"},
		Item{ID: "m11", Text: "Response time improvements identified"},
		Item{ID: "m12", Text: "Resource scaling needs assessed"},
	)...)
	out = append(out, section("Dependency Updates",
		Item{ID: "m13", Text: "Python dependencies scanned (pip audit)"},
		Item{ID: "m14", Text: "Critical security patches applied"},
		Item{ID: "m15", Text: "Third-party service compatibility verified"},
		Item{ID: "m16", Text: "Breaking changes assessed, tested in staging first"},
	)...)
	out = append(out, section("Backup Verification",
		Item{ID: "m17", Text: "MongoDB Atlas backups verified"},
		Item{ID: "m18", Text: "Supabase point-in-time recovery status checked"},
		Item{ID: "m19", Text: "Configuration backup current"},
		Item{ID: "m20", Text: "Recovery procedure documentation updated"},
	)...)
	out = append(out, section("Maintenance Window",
		Item{ID: "m21", Text: "Window announced 7 days ahead (first Sunday, 02:00-04:00 UTC)"},
	)...)
	return out
}
