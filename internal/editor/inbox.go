package editor

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/chat"
	"github.com/switchboard-support/switchboard/internal/store"
)

// The inbox of what the bot missed: player messages that went out of
// scope, scored low, got "didn't help" or were handed off without an
// answer (store.Misses), grouped by similarity (GroupMisses); an editor
// adds them to an intent's examples in the draft, starts an article from
// one, or dismisses them.

// MaxInboxIDs bounds the messages of one inbox action: as many as a
// window groups, so the biggest group is one action.
const MaxInboxIDs = store.MaxMisses

// InboxQuery selects the groups of an inbox.
type InboxQuery struct {
	Since, Until time.Time // Until zero: now
	State        string    // store.MissNew, MissApplied, MissDismissed, or "" for all
	Sort         string    // "count" (biggest first, the default) or "newest"
	// SwitchThreshold is the live intents.switch_threshold (LiveSettings):
	// an in-scope answer below it was a guess (store.MissLowConfidence).
	SwitchThreshold float64
}

// Inbox is the grouped misses of a window.
type Inbox struct {
	Groups          []Group
	Messages        int     // misses in the window, every state
	Truncated       bool    // the window had more than store.MaxMisses: the newest were grouped
	SwitchThreshold float64 // the threshold that defined "low confidence"
}

// Inbox returns the groups of misses matching q.
func (s *Service) Inbox(ctx context.Context, q InboxQuery) (Inbox, error) {
	switch q.State {
	case "", store.MissNew, store.MissApplied, store.MissDismissed:
	default:
		return Inbox{}, chat.Errorf(chat.EINVALID, "state must be new, applied, dismissed or all, not %q", q.State)
	}
	switch q.Sort {
	case "", "count", "newest":
	default:
		return Inbox{}, chat.Errorf(chat.EINVALID, "sort must be count or newest, not %q", q.Sort)
	}
	misses, more, err := s.store.Misses(ctx, store.MissQuery{Since: q.Since, Until: q.Until, SwitchThreshold: q.SwitchThreshold})
	if err != nil {
		return Inbox{}, err
	}
	all := GroupMisses(misses)
	groups := make([]Group, 0, len(all))
	for _, g := range all {
		if q.State == "" || g.State == q.State {
			groups = append(groups, g)
		}
	}
	SortGroups(groups, q.Sort)
	return Inbox{Groups: groups, Messages: len(misses), Truncated: more, SwitchThreshold: q.SwitchThreshold}, nil
}

// LiveSettings returns the settings of the live version as its runtime
// read them (flows.ParseBundle, defaults included).
func (s *Service) LiveSettings(ctx context.Context) (flows.Settings, error) {
	live, err := s.releases.live(ctx)
	if err != nil {
		return flows.Settings{}, err
	}
	b, err := flows.ParseBundle(live.Files, "")
	if err != nil {
		return flows.Settings{}, fmt.Errorf("editor: the live version %d does not parse: %w", live.Number, err)
	}
	return b.Settings, nil
}

// Applied says what an inbox action changed.
type Applied struct {
	Files  []string // draft files changed
	Added  []string // examples added (texts already there are not)
	Path   string   // the article started
	Marked int      // messages marked applied (the others were applied or dismissed already)
}

// inboxDraft is ed's draft as read once: whether there is one, its base
// (the live version without one), its changes by path, and the bundle.
type inboxDraft struct {
	ed      handoff.Operator
	had     bool
	base    store.Release
	changes map[string]store.DraftChange
	files   map[string][]byte
}

func (s *Service) inboxDraft(ctx context.Context, ed handoff.Operator) (inboxDraft, error) {
	out := inboxDraft{ed: ed, changes: map[string]store.DraftChange{}}
	d, err := s.store.Draft(ctx, ed.ID)
	switch {
	case chat.ErrorCode(err) == chat.ENOTFOUND:
		out.base, err = s.releases.live(ctx)
	case err == nil:
		out.had = true
		out.base, err = s.releases.get(ctx, d.BasedOn)
	}
	if err != nil {
		return inboxDraft{}, err
	}
	for _, c := range d.Changes {
		out.changes[c.Path] = c
	}
	out.files = apply(out.base.Files, d.Changes)
	if hook, ok := ctx.Value(inboxReadHook{}).(func()); ok {
		hook()
	}
	return out, nil
}

// inboxReadHook keys a func run right after inboxDraft read the draft:
// tests change the draft there.
type inboxReadHook struct{}

// edit is the guarded store edit saving files (path → content) into the
// draft as read, by SaveFile's rules: a clean path, at most MaxFileBytes
// of UTF-8, and a file saved as it is in the base drops the change.
func (d inboxDraft) edit(files map[string][]byte) (*store.DraftEdit, error) {
	e := &store.DraftEdit{StaffID: d.ed.ID, HadDraft: d.had, BasedOn: d.base.Number}
	for _, p := range slices.Sorted(maps.Keys(files)) {
		content := files[p]
		if err := checkPath(p); err != nil {
			return nil, err
		}
		if len(content) > MaxFileBytes {
			return nil, chat.Errorf(chat.ETOOLARGE, "%s is over %d bytes", p, MaxFileBytes)
		}
		if !utf8.Valid(content) {
			return nil, chat.Errorf(chat.EINVALID, "%s is not UTF-8 text", p)
		}
		w := store.DraftWrite{Path: p, Content: content}
		if c, ok := d.changes[p]; ok {
			w.Read = &c
		}
		if old, ok := d.base.Files[p]; ok && string(old) == string(content) {
			w.Revert = true
		}
		e.Writes = append(e.Writes, w)
	}
	return e, nil
}

// ApplyIntent adds the texts of the messages ids to intent's examples in
// ed's draft, each in its locale's intents file (a text already there is
// skipped), and marks them and the messages also (the rest of a group,
// texts not added) applied as "intent:NAME" — those still new; one
// transaction, refused (ECONFLICT) if the draft's file changed since it
// was read here. An intent the file does not have is refused.
func (s *Service) ApplyIntent(ctx context.Context, ed handoff.Operator, ids, also []int64, intent string) (Applied, error) {
	intent = strings.TrimSpace(intent)
	if intent == "" {
		return Applied{}, chat.Errorf(chat.EINVALID, "intent required")
	}
	return s.applyTexts(ctx, ed, ids, also, "intent:"+intent,
		func(locale string) string { return "intents/" + locale + ".yaml" },
		func(src []byte, path, text string) ([]byte, bool, error) {
			return appendIntentExample(src, path, intent, text)
		})
}

// ApplyQuestion adds the texts of the messages ids to the questions of
// article (kb.Article.Questions) in ed's draft, each to the article of
// its locale, and marks them and the messages also applied as
// "question:ID", like ApplyIntent: the bot then learns that players who
// ask so mean this article. An article the draft does not have in a
// message's locale is refused.
func (s *Service) ApplyQuestion(ctx context.Context, ed handoff.Operator, ids, also []int64, article string) (Applied, error) {
	article = strings.TrimSpace(article)
	if article == "" {
		return Applied{}, chat.Errorf(chat.EINVALID, "article required")
	}
	if strings.ContainsAny(article, "/\\.") {
		return Applied{}, chat.Errorf(chat.EINVALID, "article %q is not an article id", article)
	}
	return s.applyTexts(ctx, ed, ids, also, "question:"+article,
		func(locale string) string { return "kb/" + locale + "/" + article + ".md" },
		appendArticleQuestion)
}

// applyTexts adds the texts of the messages ids to the draft file of each
// one's locale with add, and marks them and also applied as resolution;
// one transaction (ECONFLICT if the draft's files changed since read).
func (s *Service) applyTexts(ctx context.Context, ed handoff.Operator, ids, also []int64, resolution string,
	file func(locale string) string, add func(src []byte, path, text string) ([]byte, bool, error)) (Applied, error) {
	if len(ids)+len(also) == 0 {
		return Applied{}, chat.Errorf(chat.EINVALID, "message_ids required")
	}
	all := append(slices.Clone(ids), also...)
	if len(all) > MaxInboxIDs {
		return Applied{}, chat.Errorf(chat.EINVALID, "at most %d messages at once", MaxInboxIDs)
	}
	// Every id is checked before the draft is read.
	misses, err := s.store.MissesByID(ctx, all, 0)
	if err != nil {
		return Applied{}, err
	}
	misses = misses[:len(ids)] // in the order of all: ids first
	d, err := s.inboxDraft(ctx, ed)
	if err != nil {
		return Applied{}, err
	}
	var out Applied
	changed := map[string][]byte{}
	for _, m := range misses {
		p := file(m.Locale)
		src, ok := changed[p]
		if !ok {
			if src, ok = d.files[p]; !ok {
				return Applied{}, chat.Errorf(chat.EINVALID, "your draft has no %s for message %d", p, m.MessageID)
			}
		}
		text := inboxExampleText(m.Text)
		if text == "" {
			continue
		}
		next, added, err := add(src, p, text)
		if err != nil {
			return Applied{}, err
		}
		changed[p] = next
		if added {
			out.Added = append(out.Added, text)
		}
	}
	maps.DeleteFunc(changed, func(p string, b []byte) bool { return string(b) == string(d.files[p]) })
	edit, err := d.edit(changed)
	if err != nil {
		return Applied{}, err
	}
	out.Files = slices.Sorted(maps.Keys(changed))
	out.Marked, err = s.store.ResolveMisses(ctx, actor(ed), all, store.MissApplied, resolution, edit)
	if err != nil {
		return Applied{}, err
	}
	return out, nil
}

// StartArticle creates kb/LOCALE/SLUG.md in ed's draft, titled with the
// message's text, and marks the message applied as "article:PATH" (if it
// is still new), in one transaction (ECONFLICT if the draft changed that
// path since it was read here).
func (s *Service) StartArticle(ctx context.Context, ed handoff.Operator, id int64) (Applied, error) {
	misses, err := s.store.MissesByID(ctx, []int64{id}, 0)
	if err != nil {
		return Applied{}, err
	}
	m := misses[0]
	title := inboxExampleText(m.Text)
	if r := []rune(title); len(r) > 200 {
		title = string(r[:200])
	}
	d, err := s.inboxDraft(ctx, ed)
	if err != nil {
		return Applied{}, err
	}
	base := articleSlug(title)
	id0, p := base, ""
	for n := 2; ; n++ {
		p = "kb/" + m.Locale + "/" + id0 + ".md"
		if _, taken := d.files[p]; !taken {
			break
		}
		id0 = fmt.Sprintf("%s-%d", base, n)
	}
	edit, err := d.edit(map[string][]byte{p: articleSkeleton(id0, m.Locale, title)})
	if err != nil {
		return Applied{}, err
	}
	n, err := s.store.ResolveMisses(ctx, actor(ed), []int64{id}, store.MissApplied, "article:"+p, edit)
	if err != nil {
		return Applied{}, err
	}
	return Applied{Files: []string{p}, Path: p, Marked: n}, nil
}

// Dismiss marks the messages ids that are still new dismissed and
// returns how many it marked.
func (s *Service) Dismiss(ctx context.Context, ed handoff.Operator, ids []int64) (int, error) {
	if len(ids) > MaxInboxIDs {
		return 0, chat.Errorf(chat.EINVALID, "at most %d messages at once", MaxInboxIDs)
	}
	return s.store.ResolveMisses(ctx, actor(ed), ids, store.MissDismissed, "", nil)
}
