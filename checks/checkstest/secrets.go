package checkstest

import (
	"encoding/base64"
	"encoding/json"
	"html"
	"net/url"
	"strings"
)

// FragmentLen is the shortest run of a secret's characters that Leaks
// counts as a leak: a secret cut at a clip boundary ("Pw9-s3cr…") still
// gives part of it away.
const FragmentLen = 6

// Leaks returns what text reveals of secrets: a secret as it is,
// URL-escaped (query or path), HTML-escaped (chat messages are HTML),
// JSON-escaped, base64-encoded, or any run of FragmentLen of its
// characters that is not all digits (digits alone turn up in any
// timestamp). Each finding is reported as the form that was found.
// Secrets shorter than FragmentLen are looked for whole only. Choose
// secrets that share no such run with ordinary text, with letters beyond
// f, so that no hex id or hash in a log matches by chance.
func Leaks(text string, secrets ...string) []string {
	var found []string
	seen := make(map[string]bool)
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			found = append(found, s)
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		quoted, _ := json.Marshal(s)
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s), html.EscapeString(s), string(quoted[1 : len(quoted)-1]),
			base64.StdEncoding.EncodeToString([]byte(s)), base64.RawURLEncoding.EncodeToString([]byte(s))} {
			if strings.Contains(text, form) {
				add(form)
			}
		}
		r := []rune(s)
		for i := 0; i+FragmentLen <= len(r) && len(r) > FragmentLen; i++ {
			frag := string(r[i : i+FragmentLen])
			if strings.Trim(frag, "0123456789") == "" {
				continue
			}
			if strings.Contains(text, frag) {
				add(frag)
				break
			}
		}
	}
	return found
}
