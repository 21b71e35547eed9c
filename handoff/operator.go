package handoff

import (
	"slices"
	"strings"
	"time"

	"github.com/switchboard-support/switchboard/internal/chat"
)

// Role is what a staff account may do.
type Role string

// Roles.
const (
	RoleOperator   Role = "operator"   // handles tickets
	RoleSupervisor Role = "supervisor" // + canned responses, metrics, transfer to a named operator
	RoleEditor     Role = "editor"     // edits content (flows, intents, articles); no tickets
	RoleAdmin      Role = "admin"      // everything
)

// ParseRole returns the role named s (case and surrounding spaces ignored).
// An unknown name is an EINVALID error.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	switch r {
	case RoleOperator, RoleSupervisor, RoleEditor, RoleAdmin:
		return r, nil
	}
	return "", chat.Errorf(chat.EINVALID, "unknown role %q (want operator, supervisor, editor or admin)", s)
}

// Action is something a role may be allowed to do.
type Action string

// Actions checked by the console.
const (
	ActionHandleTickets      Action = "handle_tickets"       // claim, reply, note, transfer to a skill, release, resolve, return to bot
	ActionTransferToOperator Action = "transfer_to_operator" // hand a ticket to a named operator
	ActionManageCanned       Action = "manage_canned"        // create, edit, delete canned responses
	ActionViewMetrics        Action = "view_metrics"         // per-operator quality figures
	ActionEditContent        Action = "edit_content"         // flows, intents, articles, publishing
	ActionManageUsers        Action = "manage_users"         // staff accounts
)

// Can reports whether r may perform a. An unknown role or action may do
// nothing.
func (r Role) Can(a Action) bool {
	switch r {
	case RoleAdmin:
		switch a {
		case ActionHandleTickets, ActionTransferToOperator, ActionManageCanned,
			ActionViewMetrics, ActionEditContent, ActionManageUsers:
			return true
		}
	case RoleSupervisor:
		switch a {
		case ActionHandleTickets, ActionTransferToOperator, ActionManageCanned, ActionViewMetrics:
			return true
		}
	case RoleOperator:
		return a == ActionHandleTickets
	case RoleEditor:
		return a == ActionEditContent
	}
	return false
}

// Presence is an operator's availability.
type Presence string

// Presences. Only online operators get new tickets; away operators keep the
// ones they have (but not unanswered ones once their console is gone);
// offline operators lose theirs back to the queue (Stale). The stored value
// is the operator's choice; Liveness.Apply turns it into the fact the desk
// acts on, from the console's heartbeats.
const (
	Online  Presence = "online"
	Away    Presence = "away"
	Offline Presence = "offline"
)

// ParsePresence returns the presence named s (case and surrounding spaces
// ignored). An unknown name is an EINVALID error.
func ParsePresence(s string) (Presence, error) {
	p := Presence(strings.ToLower(strings.TrimSpace(s)))
	switch p {
	case Online, Away, Offline:
		return p, nil
	}
	return "", chat.Errorf(chat.EINVALID, "unknown status %q (want online, away or offline)", s)
}

// SkillGeneral is the skill every operator serves, whatever their Skills
// list says: a general question never waits for a specialist.
const SkillGeneral = "general"

// Operator is a staff account as the queue sees it.
type Operator struct {
	ID       int64
	Login    string
	Name     string
	Role     Role
	Skills   []string
	Status   Presence
	Disabled bool // set by `switchboard users disable`; a disabled account gets and claims nothing
	Capacity int  // tickets the operator may hold at once
	Active   int  // tickets currently assigned; the store counts them
	LastSeen time.Time
	// HeartbeatAt is the last time a console socket of the operator
	// answered a heartbeat; zero when none ever did.
	HeartbeatAt time.Time
	// Chosen is the status the operator set; Status is what the desk acts
	// on (Liveness.Apply derives it from Chosen and the heartbeats).
	Chosen Presence
	// Disconnected reports that no console socket of the operator answered
	// a heartbeat within the grace period (Liveness.Apply sets it; never
	// when presence is not derived from connections).
	Disconnected bool
}

// HasSkill reports whether o serves skill: listed in o.Skills, or
// SkillGeneral, which everyone serves.
func (o Operator) HasSkill(skill string) bool {
	return skill == SkillGeneral || slices.Contains(o.Skills, skill)
}

// Validate checks an account before it is stored: a login, a known role and
// presence, a capacity of at least zero. It returns an EINVALID error naming
// the first problem.
func (o Operator) Validate() error {
	if strings.TrimSpace(o.Login) == "" {
		return chat.Errorf(chat.EINVALID, "login required")
	}
	if r, err := ParseRole(string(o.Role)); err != nil || r != o.Role {
		return chat.Errorf(chat.EINVALID, "unknown role %q", o.Role)
	}
	if p, err := ParsePresence(string(o.Status)); err != nil || p != o.Status {
		return chat.Errorf(chat.EINVALID, "unknown status %q", o.Status)
	}
	if o.Capacity < 0 {
		return chat.Errorf(chat.EINVALID, "capacity must be zero or more, got %d", o.Capacity)
	}
	return nil
}
