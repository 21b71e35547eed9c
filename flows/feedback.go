package flows

// feedback records the player's yes or no to a choice that follows an
// article ("Did that work?"): the choice is the found (or problem) target
// of a kb_answer step of the flow, or the step right after one, and an
// article was shown on the topic.
func (t *turn) feedback(f *Flow, st *Step, opt Option) {
	if opt.Means == "" || len(t.state.Shown) == 0 || !asksAfterArticle(f, st.ID, true) {
		return
	}
	t.out.Trace.Feedback = &Feedback{Article: t.state.Shown[len(t.state.Shown)-1], Helpful: opt.Means == "yes"}
}

// asksAfterArticle reports whether step id is where a kb_answer step of f
// continues once it presented an article: its found target, its next step,
// or, with problems, its target after the article of a stated problem.
func asksAfterArticle(f *Flow, id string, problems bool) bool {
	for i := range f.Steps {
		a := f.Steps[i]
		if a.Kind != KindKBAnswer {
			continue
		}
		if a.Found == id || problems && a.Problem == id || a.Found == "" && orNext(a.Next, f.after(a.ID)) == id {
			return true
		}
	}
	return false
}
