package httpcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/opsbot/opsbot/checks"
)

// maxMessage bounds a Result message, in runes.
const maxMessage = 300

// finding is one problem with an answer.
type finding struct {
	status checks.Status
	text   string
	// rank orders findings of one status: higher comes first.
	rank int
}

// judge turns a complete answer into a Result.
func (c *Checker) judge(x exchange, elapsed time.Duration, now time.Time) checks.Result {
	ms := millis(elapsed)
	res := checks.Result{
		Value: ms,
		Unit:  "ms",
		Metrics: map[string]float64{
			"status_code": float64(x.resp.StatusCode),
			"response_ms": ms,
		},
	}
	codeOK := slices.Contains(c.expect, x.resp.StatusCode)
	found, okVerdict := c.judgeBody(x, codeOK, res.Metrics)
	if !codeOK {
		found = append(found, c.wrongCode(x))
	}
	if c.maxResp > 0 && elapsed > c.maxResp {
		found = append(found, finding{status: checks.StatusWarn,
			text: fmt.Sprintf("response took %d ms (max %s)", elapsed.Milliseconds(), c.maxResp)})
	}
	if f, ok := c.judgeTLS(x, now, res.Metrics); ok {
		found = append(found, f)
	}

	if len(found) == 0 {
		res.Message = fmt.Sprintf("HTTP %d in %d ms", x.resp.StatusCode, elapsed.Milliseconds())
		if okVerdict != "" {
			res.Message += ": " + okVerdict
		}
		return res
	}
	res.Status, res.Message = summarize(found)
	return res
}

// summarize returns the worst status of the findings and their texts,
// worst first (a wrong status code first among the critical ones).
func summarize(found []finding) (checks.Status, string) {
	slices.SortStableFunc(found, func(a, b finding) int {
		if a.status != b.status {
			return int(b.status) - int(a.status)
		}
		return int(b.rank) - int(a.rank)
	})
	texts := make([]string, len(found))
	for i, f := range found {
		texts[i] = f.text
	}
	return found[0].status, clip(strings.Join(texts, "; "), maxMessage)
}

// wrongCode reports an unexpected status code, with the body's verdict
// line or an error page's title when they say more.
func (c *Checker) wrongCode(x exchange) finding {
	text := fmt.Sprintf("HTTP %d (want %s)", x.resp.StatusCode, wantCodes(c.expect))
	contentType := x.resp.Header.Get("Content-Type")
	if verdict, _, matched := c.bodyVerdict(x.body); matched && !x.tooBig {
		text += ": " + verdict
	} else if looksHTML(contentType, x.body) && htmlTitle(x.body) != "" {
		// A proxy's error page: its title says who failed.
		text += ": " + describeBody(contentType, x.body)
	}
	return finding{status: checks.StatusCrit, text: text, rank: 1}
}

// judgeBody applies the body rules and the JSON conditions. It returns
// the findings and, when an ok rule matched, the verdict line to quote.
// When the status code is wrong, the code speaks for an unexpected body.
func (c *Checker) judgeBody(x exchange, codeOK bool, metrics map[string]float64) ([]finding, string) {
	if x.tooBig {
		return []finding{{status: checks.StatusCrit, text: "body larger than " + formatBytes(c.maxBody)}}, ""
	}
	contentType := x.resp.Header.Get("Content-Type")
	var found []finding
	okVerdict := ""
	if verdict, rule, matched := c.bodyVerdict(x.body); c.rules != nil && codeOK {
		switch {
		case !matched:
			found = append(found, finding{status: checks.StatusCrit, text: "unexpected body: " + describeBody(contentType, x.body)})
		case rule.Status == checks.StatusOK:
			okVerdict = verdict
		default:
			found = append(found, finding{status: rule.Status, text: verdict})
		}
	}
	return append(found, c.judgeJSON(x.body, contentType, codeOK, metrics)...), okVerdict
}

// bodyVerdict finds the first body rule the verdict line matches.
func (c *Checker) bodyVerdict(body []byte) (line string, rule BodyRule, matched bool) {
	if c.rules == nil {
		return "", BodyRule{}, false
	}
	line = verdictLine(body)
	for _, r := range c.rules {
		if strings.HasPrefix(line, r.Prefix) {
			return line, r, true
		}
	}
	return line, BodyRule{}, false
}

// judgeJSON checks the JSON conditions and records the numbers they name
// in metrics. A body that is not JSON is only reported when the status
// code was right; otherwise the code already says what went wrong.
func (c *Checker) judgeJSON(body []byte, contentType string, codeOK bool, metrics map[string]float64) []finding {
	if len(c.conds) == 0 {
		return nil
	}
	doc, err := decodeJSON(body)
	if err != nil {
		if !codeOK {
			return nil
		}
		text := "body is not JSON"
		if looksHTML(contentType, body) || len(bytes.TrimSpace(body)) == 0 {
			text += ": " + describeBody(contentType, body)
		}
		return []finding{{status: checks.StatusCrit, text: text}}
	}
	var found []finding
	for _, cond := range c.conds {
		v := cond.Eval(doc)
		if v.IsNumber && !reservedMetric(cond.Path()) {
			metrics[cond.Path()] = v.Number
		}
		if !v.OK {
			found = append(found, finding{status: cond.severity, text: v.Reason})
		}
	}
	return found
}

// reservedMetric reports whether name is one of the check's own metrics,
// which a JSON path of the same name must not overwrite.
func reservedMetric(name string) bool {
	return name == "status_code" || name == "response_ms" || name == "tls_days_left"
}

// decodeJSON decodes exactly one JSON value, keeping numbers exact.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return doc, nil
}

// wantCodes lists the expected codes: "200", "200 or 204", "200, 201 or 204".
func wantCodes(codes []int) string {
	s := make([]string, len(codes))
	for i, c := range codes {
		s[i] = strconv.Itoa(c)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}
