package kb

import (
	"fmt"
	"strings"
	"testing"
)

// fixtureFiles returns small articles on deposits, withdrawals, bonuses,
// passwords and verification in both locales, keyed by path. Tests use
// them rather than content/kb, which changes on its own.
func fixtureFiles() map[string]string {
	return map[string]string{
		"kb/en/deposit-methods.md": `---
id: deposit-methods
locale: en
title: Deposit methods
tags: [deposit, payment methods, cards, crypto, top up]
intents: [deposit]
review_by: 2027-05-31
---
You can top up your balance with **Visa** or Mastercard, e-wallets (Skrill, Neteller) and crypto. Cards and e-wallets are credited instantly.

## Limits
- Minimum €10 per transaction.
- Maximum €5,000 per transaction.
`,
		"kb/en/deposit-not-credited.md": `---
id: deposit-not-credited
locale: en
title: Deposit not credited
tags: [deposit, payment, balance, missing money]
intents: [deposit, payment_problem]
review_by: 2027-05-31
---
If your payment has not appeared on your balance, check the processing times first: cards are instant, a bank transfer takes 1–3 business days. Still missing? Send the payment receipt to [support](mailto:support@northwind.example).
`,
		"kb/en/withdrawal-how-to.md": `---
id: withdrawal-how-to
locale: en
title: How to withdraw your winnings
tags: [withdrawal, cashout, payout]
intents: [withdrawal]
review_by: 2027-05-31
---
Open Cashier → Withdraw, choose the method you deposited with and enter the amount. The minimum withdrawal is €20, and the first withdrawal needs a completed verification.
`,
		"kb/en/withdrawal-times.md": `---
id: withdrawal-times
locale: en
title: Withdrawal times
tags: [withdrawal, payout, pending, how long]
intents: [withdrawal, withdrawal_status]
review_by: 2027-05-31
---
Our review of a withdrawal takes up to 24 hours. After that e-wallets take up to 24 hours, crypto up to 1 hour, cards 1–3 business days and bank transfers 3–5 business days.
`,
		"kb/en/bonus-promo-code.md": `---
id: bonus-promo-code
locale: en
title: How to use a promo code
tags: [bonus, promo code, coupon]
intents: [bonus_activation]
review_by: 2027-03-31
---
Enter your promo code in Cashier → Deposit before you pay, or in Profile → Bonuses. If the code is not accepted, check that no other bonus is active: only one bonus can be active at a time.
`,
		"kb/en/password-reset.md": `---
id: password-reset
locale: en
title: Reset a forgotten password
tags: [password, forgot password, login]
intents: [password_reset]
review_by: 2027-03-31
---
Click "Forgot password?" on the login page and enter your e-mail. The reset link we send is valid for 1 hour; after 5 wrong passwords the account is locked for 30 minutes.
`,
		"kb/en/verification-documents.md": `---
id: verification-documents
locale: en
title: Documents for verification
tags: [verification, kyc, documents, passport, proof of address]
intents: [verification]
review_by: 2027-03-31
---
To verify your account, upload in Profile → Verification a photo of your passport, national ID card or driving licence and a proof of address no older than 3 months, such as a utility bill or a bank statement. We check them within 24 hours.
`,
		"kb/ru/deposit-methods.md": `---
id: deposit-methods
locale: ru
title: Способы пополнения счёта
tags: [депозит, способы оплаты, карты, криптовалюта]
intents: [deposit]
review_by: 2027-05-31
---
Пополнение баланса доступно картами Visa и Mastercard, через электронные кошельки (Skrill, Neteller) и криптовалютой. Платёж картой зачисляется мгновенно.

## Лимиты
- Минимум €10 за операцию.
- Максимум €5 000 за операцию.
`,
		"kb/ru/deposit-not-credited.md": `---
id: deposit-not-credited
locale: ru
title: Депозит не зачислен
tags: [депозит, платёж, баланс, не пришёл депозит]
intents: [deposit, payment_problem]
review_by: 2027-05-31
---
Если платёж не появился на балансе, сначала проверьте сроки: карты зачисляются мгновенно, банковский перевод идёт 1–3 рабочих дня. Деньги так и не пришли? Пришлите чек об оплате в поддержку.
`,
		"kb/ru/withdrawal-how-to.md": `---
id: withdrawal-how-to
locale: ru
title: Как вывести выигрыш
tags: [вывод, выплата, вывести деньги]
intents: [withdrawal]
review_by: 2027-05-31
---
Откройте «Касса → Вывод», выберите способ, которым пополняли счёт, и укажите сумму. Минимальная сумма вывода — €20, а для первого вывода нужна пройденная верификация.
`,
		"kb/ru/withdrawal-times.md": `---
id: withdrawal-times
locale: ru
title: Сроки вывода средств
tags: [вывод, выплата, ожидание, сколько ждать]
intents: [withdrawal, withdrawal_status]
review_by: 2027-05-31
---
Мы проверяем заявку на вывод до 24 часов. Затем электронные кошельки получают деньги до 24 часов, криптовалюта — до часа, карты — 1–3 рабочих дня.
`,
		"kb/ru/bonus-promo-code.md": `---
id: bonus-promo-code
locale: ru
title: Как активировать промокод
tags: [бонус, промокод, купон]
intents: [bonus_activation]
review_by: 2027-03-31
---
Введите промокод в разделе «Касса → Депозит» до оплаты или в «Профиль → Бонусы». Если код не принимается, проверьте, нет ли другого активного бонуса: одновременно может действовать только один бонус.
`,
		"kb/ru/password-reset.md": `---
id: password-reset
locale: ru
title: Восстановление пароля
tags: [пароль, забыл пароль, вход]
intents: [password_reset]
review_by: 2027-03-31
---
Нажмите «Забыли пароль?» на странице входа и укажите почту. Ссылка для сброса действует 1 час; после 5 неверных паролей аккаунт блокируется на 30 минут.
`,
		"kb/ru/verification-documents.md": `---
id: verification-documents
locale: ru
title: Документы для верификации
tags: [верификация, документы, паспорт, подтверждение адреса]
intents: [verification]
review_by: 2027-03-31
---
Чтобы пройти верификацию, загрузите в «Профиль → Верификация» фото паспорта, ID-карты или водительских прав и подтверждение адреса не старше 3 месяцев — счёт за коммунальные услуги или банковскую выписку. Мы проверяем документы в течение 24 часов.
`,
	}
}

// fixtures parses fixtureFiles.
func fixtures(t testing.TB) []Article {
	t.Helper()
	var out []Article
	for path, text := range fixtureFiles() {
		a, err := ParseArticle(path, []byte(text))
		if err != nil {
			t.Fatalf("fixture %s: %v", path, err)
		}
		out = append(out, a)
	}
	return out
}

// manyFixtures returns the fixtures copied n times under new ids.
func manyFixtures(t testing.TB, n int) []Article {
	t.Helper()
	var out []Article
	for i := range n {
		for _, a := range fixtures(t) {
			a.ID = fmt.Sprintf("%s-%d", a.ID, i)
			a.Path = strings.Replace(a.Path, ".md", fmt.Sprintf("-%d.md", i), 1)
			out = append(out, a)
		}
	}
	return out
}

// openFixtures returns an in-memory index of the fixtures.
func openFixtures(t testing.TB, opts Options) *Index {
	t.Helper()
	ix, err := Open("", "", fixtures(t), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = ix.Close() })
	return ix
}
