// Package render builds the Telegram HTML that opsbot sends. Every piece of
// chat text goes through HTML, so escaping happens in one place and no
// caller can put raw markup, an error string or a stack trace into a chat
// unescaped.
package render

import (
	"fmt"
	"strings"
)

// HTML is a builder for Telegram HTML (parse_mode HTML). The zero value is
// ready to use. Methods append and return the builder, so calls chain.
type HTML struct {
	b strings.Builder
}

// NewHTML returns an empty builder.
func NewHTML() *HTML { return &HTML{} }

// Text appends s, escaped.
func (h *HTML) Text(s string) *HTML {
	h.b.WriteString(Escape(s))
	return h
}

// Textf appends a formatted string, escaped.
func (h *HTML) Textf(format string, args ...any) *HTML {
	return h.Text(fmt.Sprintf(format, args...))
}

// Bold appends s in bold.
func (h *HTML) Bold(s string) *HTML { return h.wrap("b", s) }

// Italic appends s in italics.
func (h *HTML) Italic(s string) *HTML { return h.wrap("i", s) }

// Code appends s as inline code.
func (h *HTML) Code(s string) *HTML { return h.wrap("code", s) }

// Pre appends s as a preformatted block.
func (h *HTML) Pre(s string) *HTML { return h.wrap("pre", s) }

// Link appends a link with the given text. Only http(s) and tg:// URLs are
// linked; anything else is written as plain text.
func (h *HTML) Link(text, url string) *HTML {
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "tg://") {
		return h.Text(text)
	}
	h.b.WriteString(`<a href="`)
	h.b.WriteString(Escape(url))
	h.b.WriteString(`">`)
	h.b.WriteString(Escape(text))
	h.b.WriteString(`</a>`)
	return h
}

// Line ends the current line.
func (h *HTML) Line() *HTML {
	h.b.WriteByte('\n')
	return h
}

// Append appends another builder's content, already escaped.
func (h *HTML) Append(o *HTML) *HTML {
	h.b.WriteString(o.String())
	return h
}

// Len returns the length of the HTML built so far, in bytes.
func (h *HTML) Len() int { return h.b.Len() }

// String returns the HTML.
func (h *HTML) String() string { return h.b.String() }

func (h *HTML) wrap(tag, s string) *HTML {
	h.b.WriteString("<" + tag + ">")
	h.b.WriteString(Escape(s))
	h.b.WriteString("</" + tag + ">")
	return h
}

var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;")

// Escape escapes the four characters Telegram HTML gives meaning to.
func Escape(s string) string { return escaper.Replace(s) }
