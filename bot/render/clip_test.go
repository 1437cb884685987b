package render

import "testing"

func TestClip(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"ünïcödé text here", 7, "ünïcödé…"},
		{"cut at a space here", 9, "cut at a…"},
		{"line one\nline two", 9, "line one…"},
	} {
		if got := Clip(c.in, c.n); got != c.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}

func TestKeyboardJSON(t *testing.T) {
	if got := KeyboardJSON(nil); got != nil {
		t.Errorf("no buttons: %s, want nil", got)
	}
	got := string(KeyboardJSON([][]Button{{{Text: "Ack", CallbackData: "inc:a:INC-1"}}}))
	if want := `{"inline_keyboard":[[{"text":"Ack","callback_data":"inc:a:INC-1"}]]}`; got != want {
		t.Errorf("KeyboardJSON = %s, want %s", got, want)
	}
}
