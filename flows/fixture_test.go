package flows

import (
	"context"
	"maps"
	"testing"
)

// fixture is a small valid bundle; tests copy and break it.
func fixture() map[string][]byte {
	return map[string][]byte{
		"settings.yaml": []byte(`locales: [en, ru]
intents: {threshold: 0.5, switch_threshold: 0.6}
flows: {fallback: out_of_scope, max_steps: 20}
handoff:
  skills: [payments, general]
  priorities: [critical, high, normal, low]
  default_skill: general
  default_priority: normal
sla:
  webchat: {first_response: 3m}
messages:
  handoff_ack: {en: "Passing you to a person.", ru: "Передаю специалисту."}
  error: {en: "Oops.", ru: "Ой."}
`),
		"intents/en.yaml": []byte(`deposit:
  - how do i deposit
  - deposit money
  - top up my account
  - add funds to balance
  - make a deposit with card
withdrawal:
  - how do i withdraw
  - cash out my winnings
  - withdraw money
  - payout to my card
  - where is my withdrawal
human:
  - talk to a human
  - operator please
  - i want a real person
  - connect me to an agent
  - live support agent
`),
		"intents/ru.yaml": []byte(`deposit:
  - как пополнить счет
  - пополнение баланса
  - хочу сделать депозит
  - закинуть деньги на счет
  - пополнить картой
withdrawal:
  - как вывести деньги
  - вывод выигрыша
  - хочу вывести на карту
  - где мой вывод
  - выплата не пришла
human:
  - позовите оператора
  - хочу живого человека
  - соедините со специалистом
  - нужен оператор
  - живой человек
`),
		"kb/en/deposit-methods.md":   []byte("---\nid: deposit-methods\nlocale: en\ntitle: Deposit methods\ntags: [deposit, top up]\nintents: [deposit]\nreview_by: 2027-05-31\n---\nYou can deposit by card, e-wallet, bank transfer or crypto. The minimum deposit is €10.\n"),
		"kb/ru/deposit-methods.md":   []byte("---\nid: deposit-methods\nlocale: ru\ntitle: Способы пополнения\ntags: [пополнение, депозит]\nintents: [deposit]\nreview_by: 2027-05-31\n---\nПополнить счет можно картой, кошельком, переводом или криптовалютой. Минимальное пополнение — 10 €.\n"),
		"kb/en/withdrawal-how-to.md": []byte("---\nid: withdrawal-how-to\nlocale: en\ntitle: How to withdraw\ntags: [withdrawal, cash out, payout]\nintents: [withdrawal]\nreview_by: 2027-05-31\n---\nTo withdraw, open Cashier and choose Withdraw. The minimum withdrawal is €20.\n"),
		"kb/ru/withdrawal-how-to.md": []byte("---\nid: withdrawal-how-to\nlocale: ru\ntitle: Как вывести деньги\ntags: [вывод, выплата]\nintents: [withdrawal]\nreview_by: 2027-05-31\n---\nЧтобы вывести деньги, откройте Кассу и выберите Вывод. Минимальный вывод — 20 €.\n"),
		"flows/deposit.yaml": []byte(`description: deposits
intents: [deposit]
steps:
  - id: answer
    kb_answer:
      articles: [deposit-methods]
  - id: menu
    choice:
      text: {en: "Anything else?", ru: "Что-то ещё?"}
      slot: topic
      options:
        - label: {en: "Not credited", ru: "Не зачислено"}
          value: not_credited
          goto: amount
        - label: {en: "All good", ru: "Всё хорошо"}
          value: ok
          goto: done
  - id: amount
    ask:
      slot: amount
      validate: number
      text: {en: "How much, {{player.name}}?", ru: "Сколько, {{player.name}}?"}
      retry: {en: "A number please.", ru: "Числом, пожалуйста."}
      max_attempts: 2
      on_fail: human
  - id: big
    condition:
      - if: slots.amount >= 1000 or player.vip == "gold"
        goto: urgent
      - else: normal
  - id: urgent
    handoff: {skill: payments, priority: high, reason: "deposit {{slots.amount}} not credited"}
  - id: normal
    handoff: {skill: payments, priority: normal, reason: "deposit {{slots.amount}} not credited"}
  - id: done
    end: {en: "Bye {{player.name}}", ru: "Пока {{player.name}}"}
  - id: human
    goto: flow:human
`),
		"flows/withdrawal.yaml": []byte(`intents: [withdrawal]
steps:
  - kb_answer:
      not_found: nothing
  - end: true
  - id: nothing
    say: "No article."
`),
		"flows/human.yaml": []byte(`intents: [human]
steps:
  - handoff: {priority: high}
`),
		"flows/out_of_scope.yaml": []byte(`steps:
  - kb_answer:
      not_found: sorry
  - end: true
  - id: sorry
    say: {en: "I don't know.", ru: "Не знаю."}
`),
	}
}

func withFile(files map[string][]byte, path, content string) map[string][]byte {
	c := maps.Clone(files)
	if content == "" {
		delete(c, path)
	} else {
		c[path] = []byte(content)
	}
	return c
}

// fixtureEngine returns an engine on the fixture bundle with an in-memory index.
func fixtureEngine(t *testing.T, files map[string][]byte) *Engine {
	t.Helper()
	b, err := ParseBundle(files, "test")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := NewRuntime(context.Background(), b, RuntimeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := NewEngine(rt)
	t.Cleanup(e.Close)
	return e
}
