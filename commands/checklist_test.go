package commands

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opsbot/opsbot/checklist"
	"github.com/opsbot/opsbot/storage"
	"github.com/opsbot/opsbot/storage/storagetest"
)

// clT0 is the tests' clock: 09:14 UTC.
var clT0 = time.Date(2026, 3, 2, 9, 14, 0, 0, time.UTC)

func clClock() time.Time { return clT0 }

// clPassing stands in for the app's verifier over check results: the names
// it knows pass with fixed evidence.
type clPassing map[string]string

func (p clPassing) Verify(_ context.Context, name string, _ time.Time) (string, bool) {
	e, ok := p[name]
	return e, ok
}

func clDesk(s *storage.Store) checklist.Desk {
	return checklist.Desk{
		Store:    s.Checklists(),
		Verifier: clPassing{checklist.VerifyHealth: "/health returned 200 at 09:00 UTC", checklist.VerifyDatabase: "MongoDB answered in 3 ms"},
	}
}

func clPost(t *testing.T, c Command, args string) Reply {
	t.Helper()
	r, err := c.Handle(t.Context(), Request{Command: "checklist", Args: args, ChatID: -100, UserID: 1, Username: "alice", Role: RoleOperator, At: clT0})
	if err != nil {
		t.Fatalf("/checklist %s: %v", args, err)
	}
	return r
}

func clPress(t *testing.T, a Action, data string, userID int64, username string) Outcome {
	t.Helper()
	name, arg := ParseCallbackData(data)
	if name != a.Name {
		t.Fatalf("callback data %q is not for %s", data, a.Name)
	}
	out, err := a.Handle(t.Context(), Press{Action: name, Arg: arg, ChatID: -100, MessageID: 7, UserID: userID, Username: username, Role: RoleOperator})
	if err != nil {
		t.Fatalf("press %s: %v", data, err)
	}
	return out
}

// hasButton reports whether r has a button with callback data data.
func clHasButton(r Reply, data string) bool {
	for _, row := range r.Keyboard {
		for _, b := range row {
			if b.CallbackData == data {
				return true
			}
		}
	}
	return false
}

func clMustHave(t *testing.T, what, s string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(s, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, s)
		}
	}
}

func TestChecklistPostsWithAutomaticTicks(t *testing.T) {
	t.Parallel()
	s := storagetest.Open(t)
	cmd := Checklist(clDesk(s), clClock)
	if cmd.MinRole != RoleOperator || cmd.Usage != "/checklist [daily|weekly|monthly]" {
		t.Errorf("command = %s for %s, want operator and the kinds", cmd.Usage, cmd.MinRole)
	}
	if _, err := NewRegistry(cmd); err != nil {
		t.Fatal(err)
	}

	r := clPost(t, cmd, "")
	clMustHave(t, "daily", r.HTML, "Daily monitoring checklist</b> · CL-1", "2/20 done",
		"✅ /health returns 200 OK — <i>/health returned 200 at 09:00 UTC</i>",
		"✅ MongoDB connection active — <i>MongoDB answered in 3 ms</i>",
		"⬜ /start answers with the welcome message")
	if clHasButton(r, "chk:CL-1:d1") || clHasButton(r, "chk:CL-1:d17") || !clHasButton(r, "chk:CL-1:d4") {
		t.Errorf("buttons = %+v, want one per open item only", r.Keyboard)
	}
	// The run and its automatic ticks are stored.
	run, err := s.Checklists().Get(t.Context(), "CL-1")
	if err != nil || run.ChatID != -100 || len(run.Ticks) != 2 || run.Ticks["d1"].By != checklist.ByOpsbot {
		t.Errorf("stored run = %+v, %v", run, err)
	}

	clMustHave(t, "weekly", clPost(t, cmd, " WEEKLY ").HTML, "Weekly monitoring checklist</b> · CL-2", "0/16 done")
	clMustHave(t, "monthly", clPost(t, cmd, "monthly").HTML, "Monthly maintenance checklist</b> · CL-3")
	for _, bad := range []string{"yearly", "daily weekly"} {
		if _, err := cmd.Handle(t.Context(), Request{Args: bad, Role: RoleOperator}); !errors.Is(err, ErrUsage) {
			t.Errorf("/checklist %s error = %v, want ErrUsage", bad, err)
		}
	}
}

func TestChecklistButtonTicksAndTellsWhoWasFirst(t *testing.T) {
	t.Parallel()
	desk := clDesk(storagetest.Open(t))
	clPost(t, Checklist(desk, clClock), "")
	later := clT0.Add(time.Hour)
	btn := ChecklistButton(desk, func() time.Time { return later })
	if btn.Name != "chk" || btn.MinRole != RoleOperator {
		t.Errorf("action %s for %s", btn.Name, btn.MinRole)
	}

	out := clPress(t, btn, "chk:CL-1:d4", 1, "alice")
	if out.Toast != "Ticked: /start answers with the welcome message" || out.Edit == nil {
		t.Fatalf("first press = %+v", out)
	}
	clMustHave(t, "after alice", out.Edit.HTML, "3/20 done", "✅ /start answers with the welcome message — by @alice 10:14")
	if clHasButton(*out.Edit, "chk:CL-1:d4") || !clHasButton(*out.Edit, "chk:CL-1:d5") {
		t.Errorf("keyboard after the tick = %+v", out.Edit.Keyboard)
	}

	out = clPress(t, btn, "chk:CL-1:d4", 2, "bob")
	if out.Toast != "Already ticked by @alice at 10:14 UTC." || out.Edit == nil {
		t.Fatalf("bob's press = %+v", out)
	}
	clMustHave(t, "after bob", out.Edit.HTML, "3/20 done", "— by @alice 10:14")
	if strings.Contains(out.Edit.HTML, "@bob") {
		t.Errorf("bob's press shows him:\n%s", out.Edit.HTML)
	}
	if out = clPress(t, btn, "chk:CL-1:d4", 1, "alice"); out.Toast != "You ticked this already at 10:14 UTC." {
		t.Errorf("alice again = %q", out.Toast)
	}
	if out = clPress(t, btn, "chk:CL-1:d1", 1, "alice"); out.Toast != "Already ticked by opsbot at 09:14 UTC." {
		t.Errorf("an automatic tick = %q", out.Toast)
	}
	out = clPress(t, btn, "chk:CL-1:d5", 42, "")
	clMustHave(t, "a user without a username", out.Edit.HTML, "— by user 42 10:14", "4/20 done")

	for data, want := range map[string]string{
		"chk:CL-99:d1": "This checklist no longer exists.",
		"chk:CL-1:d99": "This button is out of date.",
		"chk:CL-1":     "This button is out of date.",
	} {
		if out := clPress(t, btn, data, 1, "alice"); out.Toast != want || out.Edit != nil {
			t.Errorf("%s = %+v, want toast %q and no edit", data, out, want)
		}
	}
}

// TestChecklistSimultaneousPresses has alice and bob press six open items
// at the same moment, on two replicas: one tick per item, and
// each toast and redraw names the same winner.
func TestChecklistSimultaneousPresses(t *testing.T) {
	t.Parallel()
	a, b := storagetest.TwoClients(t)
	first := clPost(t, Checklist(clDesk(a), clClock), "")
	buttons := map[string]Action{
		"alice": ChecklistButton(clDesk(a), clClock),
		"bob":   ChecklistButton(clDesk(b), clClock),
	}
	// Six items: each is a race of its own, and a press reads the whole run.
	var items []string
	for _, row := range first.Keyboard[:3] {
		for _, btn := range row {
			items = append(items, btn.CallbackData)
		}
	}
	type clPressed struct {
		data, who string
		out       Outcome
	}
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		mu    sync.Mutex
		all   []clPressed
	)
	for i, data := range items {
		for who, btn := range buttons {
			wg.Go(func() {
				<-start
				out, err := btn.Handle(t.Context(), Press{Arg: strings.TrimPrefix(data, "chk:"), UserID: int64(i), Username: who, Role: RoleOperator})
				if err != nil {
					t.Errorf("%s presses %s: %v", who, data, err)
					return
				}
				mu.Lock()
				all = append(all, clPressed{data, who, out})
				mu.Unlock()
			})
		}
	}
	close(start)
	wg.Wait()

	stored, err := a.Checklists().Get(t.Context(), "CL-1")
	if err != nil {
		t.Fatal(err)
	}
	winners := map[string]string{}
	for _, p := range all {
		if strings.HasPrefix(p.out.Toast, "Ticked: ") {
			if w, dup := winners[p.data]; dup {
				t.Errorf("%s ticked twice, by %s and %s", p.data, w, p.who)
			}
			winners[p.data] = p.who
		}
	}
	for _, p := range all {
		winner, ok := winners[p.data]
		if !ok {
			t.Errorf("%s: nobody ticked it; %s was told %q", p.data, p.who, p.out.Toast)
			continue
		}
		if p.who != winner {
			if want := "Already ticked by @" + winner + " at 09:14 UTC."; p.out.Toast != want {
				t.Errorf("%s: %s was told %q, want %q", p.data, p.who, p.out.Toast, want)
			}
		}
		_, itemID, _ := checklist.ParseButtonArg(strings.TrimPrefix(p.data, "chk:"))
		if p.out.Edit == nil || clHasButton(*p.out.Edit, p.data) {
			t.Errorf("%s: %s's redraw still offers the item", p.data, p.who)
			continue
		}
		it, _ := stored.Item(itemID)
		clMustHave(t, p.who+"'s redraw", p.out.Edit.HTML, "✅ "+it.Text+" — by @"+winner)
	}
	if len(winners) != len(items) {
		t.Errorf("%d of %d items ticked", len(winners), len(items))
	}
	if want := 2 + len(items); stored.Done() != want {
		t.Errorf("stored run has %d/20 done, want %d", stored.Done(), want)
	}
	for _, data := range items {
		_, itemID, _ := checklist.ParseButtonArg(strings.TrimPrefix(data, "chk:"))
		if by := stored.Ticks[itemID].By; by != "@"+winners[data] {
			t.Errorf("%s stored by %s, the toasts said %s", data, by, winners[data])
		}
	}
}
