package actions

import (
	"errors"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// answer turns an HTTP answer into an outcome or an error.
func answer(resp *http.Response, raw []byte, red *redactor) (string, error) {
	status := "HTTP " + strconv.Itoa(resp.StatusCode)
	snippet := textOf(resp.Header.Get("Content-Type"), raw, red)
	if resp.StatusCode >= 300 && resp.StatusCode < 400 && leavesHost(resp) {
		return "", errors.New(status + ": redirect to another host not followed")
	}
	if snippet != "" {
		status += ": " + snippet
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", errors.New(status)
	}
	return status, nil
}

// leavesHost reports whether resp redirects away from the host (or from
// https), which the client's CheckRedirect refused to follow.
func leavesHost(resp *http.Response) bool {
	loc, err := resp.Location()
	if err != nil || resp.Request == nil {
		return false
	}
	return !sameOrigin(resp.Request.URL.Scheme, resp.Request.URL.Host, loc.Scheme, loc.Host)
}

// tags matches HTML tags, comments included, crudely.
var tags = regexp.MustCompile(`(?s)<!--.*?-->|<[^>]*>`)

// textOf returns the start of a text body, secrets masked, made one line;
// "" for an empty or binary body.
func textOf(contentType string, raw []byte, red *redactor) string {
	if len(raw) == 0 || !isText(contentType, raw) {
		return ""
	}
	s := red.redact(string(raw))
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "text/html" {
		s = tags.ReplaceAllString(s, " ")
	}
	return oneLine(s, maxSnippet)
}

// isText reports whether a body of contentType is worth quoting: text,
// JSON or XML, or untyped but valid UTF-8 without NULs.
func isText(contentType string, raw []byte) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	switch {
	case contentType == "" || err != nil:
		// A body cut at maxResponse may end inside a character.
		return utf8.Valid(raw[:max(0, len(raw)-utf8.UTFMax)]) && !strings.ContainsRune(string(raw), 0)
	case strings.HasPrefix(mt, "text/"),
		mt == "application/json", strings.HasSuffix(mt, "+json"),
		mt == "application/xml", strings.HasSuffix(mt, "+xml"):
		return true
	}
	return false
}
