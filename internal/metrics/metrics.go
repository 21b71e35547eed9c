// Package metrics exposes Switchboard's Prometheus metrics: bot turns,
// their latency, intents, handoffs, errors and HTTP requests.
package metrics

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/switchboard-support/switchboard/flows"
	"github.com/switchboard-support/switchboard/handoff"
)

// Metrics holds the collectors, registered on their own registry.
type Metrics struct {
	Registry    *prometheus.Registry
	turns       *prometheus.CounterVec
	turnSeconds prometheus.Histogram
	intents     *prometheus.CounterVec
	handoffs    prometheus.Counter
	errors      *prometheus.CounterVec
	HTTP        *prometheus.HistogramVec
	WebSockets  prometheus.Gauge
	operators   *prometheus.GaugeVec
	breaches    *prometheus.CounterVec
	channel     *prometheus.CounterVec
}

// New creates and registers the collectors (plus Go and process metrics).
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		turns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchboard_turns_total",
			Help: "Bot turns by outcome (ok, error)."}, []string{"outcome"}),
		turnSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "switchboard_turn_seconds",
			Help: "Time the engine spends on one bot turn.", Buckets: prometheus.ExponentialBuckets(0.0001, 2.5, 12)}),
		intents: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchboard_intents_total",
			Help: "Classified intents (oos = out of scope)."}, []string{"intent"}),
		handoffs: prometheus.NewCounter(prometheus.CounterOpts{Name: "switchboard_handoffs_total",
			Help: "Conversations the bot handed to the human queue."}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchboard_errors_total",
			Help: "Errors by where they happened."}, []string{"where"}),
		HTTP: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "switchboard_http_request_seconds",
			Help: "HTTP requests by route and status.", Buckets: prometheus.DefBuckets}, []string{"route", "status"}),
		WebSockets: prometheus.NewGauge(prometheus.GaugeOpts{Name: "switchboard_websockets",
			Help: "Open player WebSocket connections."}),
		operators: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "switchboard_operator",
			Help: "Operator quality over the last 30 days by figure: resolved, first_response_seconds, handle_seconds, csat, sla_hit_rate (operator \"all\" = the desk)."},
			[]string{"operator", "figure"}),
		breaches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchboard_sla_breaches_total",
			Help: "Tickets whose first answer went past its SLA target, by channel and skill."}, []string{"channel", "skill"}),
		channel: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "switchboard_channel_events_total",
			Help: "Push-channel traffic: updates received (update_stored, update_duplicate) and delivery outcomes (sent, retry, blocked, failed), by channel."},
			[]string{"channel", "event"}),
	}
	m.Registry.MustRegister(m.turns, m.turnSeconds, m.intents, m.handoffs, m.errors, m.HTTP, m.WebSockets, m.operators, m.breaches, m.channel,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// ObserveTurn implements conversation.Observer.
func (m *Metrics) ObserveTurn(d time.Duration, trace *flows.Trace, handoff bool, err error) {
	if err != nil {
		m.turns.WithLabelValues("error").Inc()
		m.errors.WithLabelValues("turn").Inc()
		return
	}
	m.turns.WithLabelValues("ok").Inc()
	m.turnSeconds.Observe(d.Seconds())
	if trace != nil && trace.Classified {
		intent := trace.Intent
		if trace.OutOfScope {
			intent = "oos"
		}
		m.intents.WithLabelValues(intent).Inc()
	}
	if handoff {
		m.handoffs.Inc()
	}
}

// ObserveOperators publishes the desk's per-operator quality figures,
// labelled by operator id: names stay out of the metrics, which reach
// monitoring systems that are not the console.
func (m *Metrics) ObserveOperators(stats []handoff.OperatorStats, _ map[int64]string) {
	m.operators.Reset()
	for _, st := range stats {
		who := strconv.FormatInt(st.OperatorID, 10)
		if st.OperatorID == 0 {
			who = "all"
		}
		m.operators.WithLabelValues(who, "resolved").Set(float64(st.Resolved))
		m.operators.WithLabelValues(who, "first_response_seconds").Set(st.AvgFirstResponse.Seconds())
		m.operators.WithLabelValues(who, "handle_seconds").Set(st.AvgHandle.Seconds())
		if st.CSATCount > 0 {
			m.operators.WithLabelValues(who, "csat").Set(st.CSATAvg)
		}
		if st.SLAMeasured > 0 {
			m.operators.WithLabelValues(who, "sla_hit_rate").Set(st.SLAHitRate)
		}
	}
}

// ObserveBreach counts a ticket whose first answer went late.
func (m *Metrics) ObserveBreach(t handoff.Ticket) {
	m.breaches.WithLabelValues(string(t.Channel), t.Skill).Inc()
}

// Error counts an error at where.
func (m *Metrics) Error(where string) { m.errors.WithLabelValues(where).Inc() }

// ObserveChannel counts a push channel's update or delivery event.
func (m *Metrics) ObserveChannel(channel, event string) {
	m.channel.WithLabelValues(channel, event).Inc()
}
