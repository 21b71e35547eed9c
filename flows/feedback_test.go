package flows

import "testing"

// A yes or no to the question right after an article is feedback on that
// article; the same words to another question are not.
func TestFeedbackOnArticle(t *testing.T) {
	files := fixture()
	files["flows/deposit.yaml"] = []byte(`intents: [deposit]
steps:
  - id: answer
    kb_answer:
      articles: [deposit-methods]
      not_found: topic
  - id: helpful
    choice:
      text: "Did that help?"
      options:
        - {label: "Yes", value: "yes", means: "yes", goto: done}
        - {label: "No", value: "no", means: "no", goto: topic}
  - id: topic
    choice:
      text: "Card or wallet?"
      options:
        - {label: "Card", value: "card", means: "yes", goto: done}
        - {label: "Wallet", value: "wallet", means: "no", goto: done}
  - id: done
    end: "Great."
`)
	e := fixtureEngine(t, files)
	outs := converse(t, e, ann, "en", "how do i deposit", "no it didn't help", "wallet")
	if f := outs[1].Trace.Feedback; f == nil || f.Article != "deposit-methods" || f.Helpful {
		t.Fatalf("turn 2 feedback = %+v, want deposit-methods not helpful", f)
	}
	if f := outs[2].Trace.Feedback; f != nil {
		t.Fatalf("turn 3 (a question not about an article) feedback = %+v", f)
	}
	outs = converse(t, e, ann, "en", "how do i deposit", "yes")
	if f := outs[1].Trace.Feedback; f == nil || !f.Helpful {
		t.Fatalf("a yes: feedback = %+v", f)
	}
	if outs[0].Trace.NoAnswer {
		t.Fatal("an answered turn says NoAnswer")
	}
	if outs := converse(t, e, ann, "en", "tell me about the weather on mars"); !outs[0].Trace.NoAnswer {
		t.Fatalf("a turn whose search found nothing: trace %+v", outs[0].Trace)
	}
}
