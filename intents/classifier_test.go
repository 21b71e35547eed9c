package intents

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// renamed returns the fixture with intent from renamed to to.
func renamed(from, to string) []Example {
	ex := fixture()
	for i := range ex {
		if ex[i].Intent == from {
			ex[i].Intent = to
		}
	}
	return ex
}

func TestClassifierRetrainWhileClassifying(t *testing.T) {
	old := mustFixtureModel(t)
	c := NewClassifier(old)
	stop := make(chan struct{})
	errs := make(chan error, 4)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := c.Classify("как пополнить счет")
				if r.Intent != "deposit" && r.Intent != "top_up" {
					errs <- errors.New("Classify during Retrain = " + r.Intent)
					return
				}
				_ = c.Model().Intents()
			}
		}()
	}
	ctx := context.Background()
	if err := c.Retrain(ctx, renamed("deposit", "top_up"), Options{}); err != nil {
		t.Fatalf("Retrain: %v", err)
	}
	retrained := c.Model()
	if retrained == old {
		t.Fatal("Retrain did not swap the model")
	}
	if got := c.Classify("как пополнить счет").Intent; got != "top_up" {
		t.Errorf("after Retrain: %q, want top_up", got)
	}

	// Failures leave the live model alone.
	if err := c.Retrain(ctx, nil, Options{}); chat.ErrorCode(err) != chat.EINVALID {
		t.Errorf("Retrain(nil) = %v, want EINVALID", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := c.Retrain(cancelled, fixture(), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Retrain(cancelled) = %v, want context.Canceled", err)
	}
	if c.Model() != retrained {
		t.Error("a failed Retrain replaced the model")
	}

	c.Swap(old)
	if got := c.Classify("как пополнить счет").Intent; got != "deposit" {
		t.Errorf("after Swap back: %q, want deposit", got)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestClassifierConcurrentRetrains(t *testing.T) {
	c := NewClassifier(nil)
	if r := c.Classify("how to deposit"); !r.OutOfScope || r.Intent != OutOfScope {
		t.Errorf("no model: %+v, want out of scope", r)
	}
	var wg sync.WaitGroup
	for _, name := range []string{"a_deposit", "b_deposit", "c_deposit"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Retrain(context.Background(), renamed("deposit", name), Options{Workers: 1}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	got := c.Classify("how to deposit").Intent
	if got != "a_deposit" && got != "b_deposit" && got != "c_deposit" {
		t.Errorf("after concurrent retrains: %q", got)
	}
}
