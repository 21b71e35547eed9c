package telegramtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

type answer struct {
	OK          bool            `json:"ok"`
	Result      json.RawMessage `json:"result"`
	ErrorCode   int             `json:"error_code"`
	Description string          `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

func call(t *testing.T, s *Server, method, contentType, body string) (int, answer) {
	t.Helper()
	resp, err := http.Post(s.URL+"/bot"+s.Token+"/"+method, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a answer
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, a
}

func TestJSONAndFormBodies(t *testing.T) {
	s := New(t)
	status, a := call(t, s, "sendMessage", "application/json",
		`{"chat_id":5,"text":"<b>hi</b>","parse_mode":"HTML","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`)
	if status != 200 || !a.OK {
		t.Fatalf("JSON: %d %+v", status, a)
	}
	form := url.Values{"chat_id": {"6"}, "text": {"plain & simple"}}
	if status, a := call(t, s, "sendMessage", "application/x-www-form-urlencoded", form.Encode()); status != 200 || !a.OK {
		t.Fatalf("form: %d %+v", status, a)
	}
	m := s.Messages(5)[0]
	if m.Text != "<b>hi</b>" || m.ParseMode != "HTML" || len(m.Keyboard) != 1 || m.Keyboard[0][0].Data != "a" {
		t.Fatalf("JSON message = %+v", m)
	}
	if r := s.Requests("sendMessage"); r[0].ContentType != "application/json" || r[1].ChatID != 6 {
		t.Fatalf("requests = %+v", r)
	}
}

func TestTelegramChecks(t *testing.T) {
	s := New(t)
	tests := []struct{ name, body, want string }{
		{"no chat", `{"text":"x"}`, "Bad Request: chat_id is empty"},
		{"empty", `{"chat_id":1,"text":" "}`, "Bad Request: message text is empty"},
		{"bad tag", `{"chat_id":1,"text":"<script>x</script>","parse_mode":"HTML"}`, "Bad Request: can't parse entities: unsupported start tag"},
		{"unclosed", `{"chat_id":1,"text":"<b>x","parse_mode":"HTML"}`, "Bad Request: can't parse entities: can't find end tag"},
		{"raw ampersand", `{"chat_id":1,"text":"a & b","parse_mode":"HTML"}`, "Bad Request: can't parse entities: character '&'"},
		{"too long", `{"chat_id":1,"text":"` + strings.Repeat("😀", 2049) + `"}`, "Bad Request: message is too long"},
		{"long button data", `{"chat_id":1,"text":"x","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"` + strings.Repeat("x", 65) + `"}]]}}`, "Bad Request: BUTTON_DATA_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, a := call(t, s, "sendMessage", "application/json", tt.body)
			if status != 400 || a.OK || a.ErrorCode != 400 || !strings.HasPrefix(a.Description, tt.want) {
				t.Fatalf("%d %+v, want 400 %q", status, a, tt.want)
			}
		})
	}
	// 4,096 UTF-16 units fit.
	if status, _ := call(t, s, "sendMessage", "application/json", `{"chat_id":1,"text":"`+strings.Repeat("😀", 2048)+`"}`); status != 200 {
		t.Fatalf("4,096 units refused: %d", status)
	}
	if status, a := call(t, s, "noSuchMethod", "application/json", `{}`); status != 404 || a.OK {
		t.Fatalf("unknown method: %d %+v", status, a)
	}
	resp, err := http.Post(s.URL+"/bot1:wrong/getMe", "application/json", strings.NewReader(`{}`))
	if err != nil || resp.StatusCode != 401 {
		t.Fatalf("wrong token: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
}

func TestFaultsPerChat(t *testing.T) {
	s := New(t)
	s.Inject(Fault{Method: "sendMessage", ChatID: 2, Status: 429, RetryAfter: 7, Times: 2})
	send := func(chat string) (int, answer) {
		return call(t, s, "sendMessage", "application/json", `{"chat_id":`+chat+`,"text":"x"}`)
	}
	if status, a := send("1"); status != 200 {
		t.Fatalf("chat 1 hit by chat 2's fault: %d %+v", status, a)
	}
	for range 2 {
		status, a := send("2")
		if status != 429 || a.Parameters.RetryAfter != 7 || a.Description != "Too Many Requests: retry after 7" {
			t.Fatalf("chat 2: %d %+v", status, a)
		}
	}
	if status, _ := send("2"); status != 200 {
		t.Fatalf("fault outlived its 2 hits: %d", status)
	}
	s.Block(3)
	if status, a := send("3"); status != 403 || a.Description != "Forbidden: bot was blocked by the user" {
		t.Fatalf("blocked: %d %+v", status, a)
	}
	s.Inject(Fault{Status: 500})
	if status, _ := call(t, s, "getMe", "application/json", `{}`); status != 500 {
		t.Fatalf("any-method fault: %d", status)
	}
	statuses := []int{}
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if got, want := statuses, []int{200, 429, 429, 200, 403, 500}; !slices.Equal(got, want) {
		t.Fatalf("recorded statuses %v, want %v", got, want)
	}
}

func TestHoldAndDisconnect(t *testing.T) {
	s := New(t)
	hold := make(chan struct{})
	s.Inject(Fault{Method: "sendMessage", Hold: hold})
	done := make(chan int, 1)
	go func() {
		status, _ := call(t, s, "sendMessage", "application/json", `{"chat_id":1,"text":"x"}`)
		done <- status
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Await(ctx, func() bool { return len(s.Requests("sendMessage")) == 1 }); err != nil {
		t.Fatal(err)
	}
	if len(s.Messages(1)) != 0 {
		t.Fatal("held message accepted before release")
	}
	close(hold)
	if status := <-done; status != 200 || len(s.Messages(1)) != 1 {
		t.Fatalf("after release: %d, %d messages", status, len(s.Messages(1)))
	}
	s.Inject(Fault{Method: "getMe", Delay: 20 * time.Millisecond})
	start := time.Now()
	if status, _ := call(t, s, "getMe", "application/json", `{}`); status != 200 || time.Since(start) < 20*time.Millisecond {
		t.Fatalf("delayed answer: %d after %v", status, time.Since(start))
	}
	s.Inject(Fault{Disconnect: true})
	if _, err := http.Post(s.URL+"/bot"+s.Token+"/getMe", "application/json", strings.NewReader(`{}`)); err == nil {
		t.Fatal("disconnect answered")
	}
}

// Concurrent senders: every message recorded once, ids per chat in order.
func TestConcurrentUse(t *testing.T) {
	s := New(t)
	var wg sync.WaitGroup
	for chat := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				body := `{"chat_id":` + string(rune('1'+chat)) + `,"text":"x"}`
				resp, err := http.Post(s.URL+"/bot"+s.Token+"/sendMessage", "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if n := len(s.Messages(0)); n != 160 {
		t.Fatalf("%d messages, want 160", n)
	}
	for chat := int64(1); chat <= 8; chat++ {
		for i, m := range s.Messages(chat) {
			if m.ID != i+1 {
				t.Fatalf("chat %d message %d has id %d", chat, i, m.ID)
			}
		}
	}
}
