package config

import (
	"fmt"
	"reflect"
	"strings"
)

// unknownKey reports a key that struct type t (at YAML path path) does not
// have. A key that looks like it holds a secret gets pointed at the
// environment variable instead, and its value is never repeated.
func (d *nodeDecoder) unknownKey(t reflect.Type, path, key string) {
	at := joinPath(path, key)
	if looksSecret(key) {
		if name := envKeyFor(t, key); name != "" {
			d.problem(at, "secrets are read from the environment only: put the name of the variable that holds it in %s and remove this key from the file", joinPath(path, name))
			return
		}
		if env := d.secretFor(path, key); env != "" {
			d.problem(at, "secrets are read from the environment only: set %s and remove this key from the file", env)
			return
		}
		d.problem(at, "secrets are read from the environment only: remove this key from the file")
		return
	}
	allowed := yamlNames(t)
	msg := fmt.Sprintf("unknown key (allowed: %s)", strings.Join(allowed, ", "))
	if len(allowed) == 0 {
		msg = "unknown key (this section takes no keys)"
	}
	if s := suggest(key, allowed); s != "" {
		msg += "; did you mean " + s + "?"
	}
	d.problem(at, "%s", msg)
}

// looksSecret reports whether a key's name says it holds a credential.
func looksSecret(key string) bool {
	words := keyWords(key)
	joined := strings.Join(words, "")
	for _, s := range []string{"token", "password", "passwd", "secret", "apikey", "credential", "privatekey", "connectionstring"} {
		if strings.Contains(joined, s) {
			return true
		}
	}
	// "uri" only at the end of a word ("mongouri"): it is inside "security".
	for _, w := range words {
		if w == "dsn" || strings.HasSuffix(w, "uri") {
			return true
		}
	}
	return false
}

// envKeyFor returns the key of struct type t that names the environment
// variable for the secret key ("token" -> "token_env"), or "".
func envKeyFor(t reflect.Type, key string) string {
	words := keyWords(key)
	for _, name := range yamlNames(t) {
		base, ok := strings.CutSuffix(name, "_env")
		if !ok {
			continue
		}
		for _, w := range words {
			if w == base {
				return name
			}
		}
	}
	return ""
}

// secretFor picks the environment variable a secret-looking key at path
// most likely meant: a secret field of the same section first, then any
// secret field sharing a word with the key.
func (d *nodeDecoder) secretFor(path, key string) string {
	words := keyWords(key)
	best, bestScore := "", 0
	for _, f := range d.secrets {
		score := 0
		names := keyWords(f.name)
		for _, w := range words {
			for _, n := range names {
				if w == n || (w == "url" || w == "dsn") && n == "uri" {
					score++
				}
			}
		}
		if f.parent == path {
			score += 10
		}
		if score > bestScore {
			best, bestScore = f.name, score
		}
	}
	return best
}

// keyWords splits a key such as "bot_token", "bot-token" or "botToken" into
// lowercase words.
func keyWords(key string) []string {
	var words []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			words = append(words, cur.String())
			cur.Reset()
		}
	}
	for i, r := range key {
		switch {
		case r >= 'A' && r <= 'Z':
			if i > 0 && !(key[i-1] >= 'A' && key[i-1] <= 'Z') {
				flush()
			}
			cur.WriteRune(r + 'a' - 'A')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return words
}

// suggest returns the allowed key closest to key when it is close enough to
// be a typo (or the same words written differently), else "".
func suggest(key string, allowed []string) string {
	norm := strings.Join(keyWords(key), "")
	best, bestDist := "", len(norm)/3+1
	for _, a := range allowed {
		if strings.Join(keyWords(a), "") == norm {
			return a
		}
		if dist := levenshtein(norm, strings.ReplaceAll(a, "_", "")); dist < bestDist {
			best, bestDist = a, dist
		}
	}
	return best
}

// levenshtein is the edit distance between a and b, in bytes.
func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
