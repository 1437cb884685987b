package render

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxMessage is Telegram's limit on a message's text after entity parsing.
const MaxMessage = 4096

// MaxCaption is Telegram's limit on a caption after entity parsing.
const MaxCaption = 1024

// Split cuts Telegram HTML into pieces whose visible text is at most limit
// characters (counted in UTF-16 code units, as Telegram counts). It cuts
// after a newline where it can, never inside a tag or an entity, and closes
// the tags open at a cut and opens them again in the next piece, so every
// piece is valid HTML on its own.
func Split(html string, limit int) []string {
	if limit <= 0 {
		limit = MaxMessage
	}
	s := splitter{limit: limit}
	for i := 0; i < len(html); {
		n, tok := nextToken(html[i:])
		s.add(tok)
		i += n
	}
	return s.finish()
}

type token struct {
	raw     string
	visible int    // UTF-16 units this token shows
	open    string // tag name when an opening tag
	close   string // tag name when a closing tag
	newline bool
}

type openTag struct{ name, raw string }

type cut struct {
	pos     int // byte offset into cur
	visible int
	stack   []openTag
}

type splitter struct {
	limit   int
	pieces  []string
	cur     strings.Builder
	visible int
	stack   []openTag
	last    *cut // last newline in cur
}

func (s *splitter) add(t token) {
	if t.visible > 0 && s.visible+t.visible > s.limit && s.visible > 0 {
		s.cutAt()
	}
	s.cur.WriteString(t.raw)
	s.visible += t.visible
	switch {
	case t.open != "":
		s.stack = append(s.stack, openTag{name: t.open, raw: t.raw})
	case t.close != "":
		for i := len(s.stack) - 1; i >= 0; i-- {
			if s.stack[i].name == t.close {
				s.stack = append(s.stack[:i], s.stack[i+1:]...)
				break
			}
		}
	case t.newline:
		s.last = &cut{pos: s.cur.Len(), visible: s.visible, stack: append([]openTag(nil), s.stack...)}
	}
}

// cutAt ends the current piece at the last newline if there is one, else here.
func (s *splitter) cutAt() {
	body := s.cur.String()
	c := cut{pos: len(body), visible: s.visible, stack: s.stack}
	if s.last != nil && s.last.visible > 0 {
		c = *s.last
	}
	s.pieces = append(s.pieces, body[:c.pos]+closing(c.stack))
	rest := body[c.pos:]
	s.cur.Reset()
	s.cur.WriteString(opening(c.stack))
	s.cur.WriteString(rest)
	s.visible -= c.visible
	s.last = nil
}

func (s *splitter) finish() []string {
	if s.cur.Len() > 0 || len(s.pieces) == 0 {
		s.pieces = append(s.pieces, s.cur.String())
	}
	return s.pieces
}

func closing(stack []openTag) string {
	var b strings.Builder
	for i := len(stack) - 1; i >= 0; i-- {
		b.WriteString("</" + stack[i].name + ">")
	}
	return b.String()
}

func opening(stack []openTag) string {
	var b strings.Builder
	for _, t := range stack {
		b.WriteString(t.raw)
	}
	return b.String()
}

// nextToken reads one tag, entity or character from s.
func nextToken(s string) (int, token) {
	switch s[0] {
	case '<':
		if end := strings.IndexByte(s, '>'); end > 0 {
			raw := s[:end+1]
			inner := strings.TrimSpace(raw[1:end])
			if strings.HasPrefix(inner, "/") {
				return len(raw), token{raw: raw, close: tagName(inner[1:])}
			}
			return len(raw), token{raw: raw, open: tagName(inner)}
		}
	case '&':
		if end := strings.IndexByte(s, ';'); end > 0 && end < 12 {
			return end + 1, token{raw: s[:end+1], visible: 1}
		}
	}
	r, n := utf8.DecodeRuneInString(s)
	return n, token{raw: s[:n], visible: utf16.RuneLen(r), newline: r == '\n'}
}

func tagName(s string) string {
	end := strings.IndexAny(s, " \t\n/")
	if end < 0 {
		end = len(s)
	}
	return strings.ToLower(s[:end])
}

// VisibleLen returns the length of html's visible text in UTF-16 units.
func VisibleLen(html string) int {
	n := 0
	for i := 0; i < len(html); {
		k, t := nextToken(html[i:])
		n += t.visible
		i += k
	}
	return n
}
