package editor

import (
	"context"
	"errors"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/flows/flowtest"
	"github.com/switchboard-support/switchboard/handoff"
	"github.com/switchboard-support/switchboard/internal/live"
)

// Check is what validating (and testing) a bundle found.
type Check struct {
	OK       bool
	Problems []flows.Problem // file:line, as `content validate` reports them
	// Tests is nil when the tests did not run (not asked, or the bundle
	// does not validate).
	Tests *flowtest.Report
}

// Validate checks ed's draft bundle as publishing would, without tests.
func (s *Service) Validate(ctx context.Context, ed handoff.Operator) (Check, error) {
	files, _, err := s.Files(ctx, ed)
	if err != nil {
		return Check{}, err
	}
	return validate(files)
}

// Test validates ed's draft bundle and runs its conversation tests.
func (s *Service) Test(ctx context.Context, ed handoff.Operator) (Check, error) {
	files, _, err := s.Files(ctx, ed)
	if err != nil {
		return Check{}, err
	}
	c, err := validate(files)
	if err != nil || !c.OK {
		return c, err
	}
	rep, err := s.outcomes.report(ctx, files)
	if err != nil {
		return Check{}, err
	}
	c.Tests, c.OK = &rep, rep.Passed()
	return c, nil
}

func validate(files map[string][]byte) (Check, error) {
	_, err := live.Validate(files)
	var ve *flows.ValidationError
	switch {
	case err == nil:
		return Check{OK: true, Problems: []flows.Problem{}}, nil
	case errors.As(err, &ve):
		return Check{Problems: ve.Problems}, nil
	}
	return Check{}, err
}
