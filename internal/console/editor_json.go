package console

import (
	"time"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
	"github.com/switchboard-support/switchboard/internal/editor"
	"github.com/switchboard-support/switchboard/internal/store"
)

// JSON shapes of the editor API (API.md, "Content editor").

type versionJSON struct {
	Number      int64     `json:"number"`
	Hash        string    `json:"hash"`
	Author      string    `json:"author"`
	Summary     string    `json:"summary"`
	PublishedAt time.Time `json:"published_at"`
}

func toVersionJSON(r store.Release) versionJSON {
	return versionJSON{Number: r.Number, Hash: r.Hash, Author: r.Author, Summary: r.Summary, PublishedAt: r.PublishedAt}
}

type fileEntryJSON struct {
	Path string `json:"path"`
	Size int    `json:"size"`
}

type presenceJSON struct {
	StaffID int64     `json:"staff_id"`
	Login   string    `json:"login"`
	Name    string    `json:"name"`
	SavedAt time.Time `json:"saved_at"`
	Editing bool      `json:"editing"`
}

func toPresenceJSON(ps []editor.Presence) []presenceJSON {
	out := make([]presenceJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, presenceJSON{StaffID: p.StaffID, Login: p.Login, Name: p.Name, SavedAt: p.SavedAt, Editing: p.Editing})
	}
	return out
}

func toPresenceMap(m map[string][]editor.Presence) map[string][]presenceJSON {
	out := make(map[string][]presenceJSON, len(m))
	for p, ps := range m {
		out[p] = toPresenceJSON(ps)
	}
	return out
}

type changeJSON struct {
	Path    string    `json:"path"`
	Deleted bool      `json:"deleted"`
	Content string    `json:"content"`
	SavedAt time.Time `json:"saved_at"`
}

type checkJSON struct {
	OK       bool             `json:"ok"`
	Problems []flows.Problem  `json:"problems"`
	Tests    *flowtest.Report `json:"tests"`
}

type errorJSON struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type fileDiffJSON struct {
	Path    string `json:"path"`
	Status  string `json:"status"`
	Unified string `json:"unified"`
}

type intentDiffJSON struct {
	Intent  string   `json:"intent"`
	Locale  string   `json:"locale"`
	Status  string   `json:"status"`
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

type flowDiffJSON struct {
	Flow          string   `json:"flow"`
	Path          string   `json:"path"`
	Status        string   `json:"status"`
	StepsAdded    []string `json:"steps_added"`
	StepsRemoved  []string `json:"steps_removed"`
	StepsChanged  []string `json:"steps_changed"`
	FieldsChanged []string `json:"fields_changed"`
	Unparsed      bool     `json:"unparsed"`
}

type articleDiffJSON struct {
	Path        string   `json:"path"`
	Status      string   `json:"status"`
	TitleBefore string   `json:"title_before"`
	TitleAfter  string   `json:"title_after"`
	Title       bool     `json:"title_changed"`
	Body        bool     `json:"body_changed"`
	FrontMatter []string `json:"front_matter_changed"`
	Unparsed    bool     `json:"unparsed"`
}

type testChangeJSON struct {
	Path     string             `json:"path"`
	Scenario string             `json:"scenario"`
	Before   string             `json:"before"`
	After    string             `json:"after"`
	Failures []flowtest.Failure `json:"failures"`
}

type testsDiffJSON struct {
	Changed []testChangeJSON `json:"changed"`
	Error   string           `json:"error,omitempty"`
}

type diffJSON struct {
	From     string            `json:"from"`
	To       string            `json:"to"`
	Files    []fileDiffJSON    `json:"files"`
	Intents  []intentDiffJSON  `json:"intents"`
	Flows    []flowDiffJSON    `json:"flows"`
	Articles []articleDiffJSON `json:"articles"`
	Tests    *testsDiffJSON    `json:"tests"`
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func toDiffJSON(d editor.Diff) diffJSON {
	out := diffJSON{From: d.From, To: d.To, Files: []fileDiffJSON{}, Intents: []intentDiffJSON{}, Flows: []flowDiffJSON{},
		Articles: []articleDiffJSON{}}
	for _, f := range d.Files {
		out.Files = append(out.Files, fileDiffJSON(f))
	}
	for _, i := range d.Intents {
		out.Intents = append(out.Intents, intentDiffJSON{Intent: i.Intent, Locale: i.Locale, Status: i.Status,
			Added: orEmpty(i.Added), Removed: orEmpty(i.Removed)})
	}
	for _, f := range d.Flows {
		out.Flows = append(out.Flows, flowDiffJSON{Flow: f.Flow, Path: f.Path, Status: f.Status, StepsAdded: orEmpty(f.StepsAdded),
			StepsRemoved: orEmpty(f.StepsRemoved), StepsChanged: orEmpty(f.StepsChanged), FieldsChanged: orEmpty(f.FieldsChanged),
			Unparsed: f.Unparsed})
	}
	for _, a := range d.Articles {
		out.Articles = append(out.Articles, articleDiffJSON{Path: a.Path, Status: a.Status, TitleBefore: a.TitleBefore,
			TitleAfter: a.TitleAfter, Title: a.Title, Body: a.Body, FrontMatter: orEmpty(a.FrontMatter), Unparsed: a.Unparsed})
	}
	if d.Tests != nil {
		t := &testsDiffJSON{Changed: []testChangeJSON{}, Error: d.Tests.Error}
		for _, c := range d.Tests.Changed {
			fails := c.Failures
			if fails == nil {
				fails = []flowtest.Failure{}
			}
			t.Changed = append(t.Changed, testChangeJSON{Path: c.Path, Scenario: c.Scenario, Before: c.Before, After: c.After, Failures: fails})
		}
		out.Tests = t
	}
	return out
}

type auditJSON struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Target  string    `json:"target"`
	Details any       `json:"details"`
}
