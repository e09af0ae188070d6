package credit

import (
	"github.com/meent/meent"
	"github.com/meent/meent/authority"
)

// holderKind says whether id is an agent or a commons, or "" if neither.
func (x op) holderKind(id string) string {
	if id == "" {
		return ""
	}
	if x.agents.Agent(id) != nil {
		return HolderAgent
	}
	if x.commons.Commons(id) != nil {
		return HolderCommons
	}
	return ""
}

func (s *State) currencyCreate(x op) error {
	var d CurrencyData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	if err := x.Auth.May(x.me, authority.CreateCurrency, authority.Node()); err != nil {
		return err
	}
	if err := checkCode(d.Code); err != nil {
		return err
	}
	if s.currencies[d.Code] != nil {
		return meent.Errorf(meent.ECONFLICT, "the currency %s exists already", d.Code)
	}
	if err := checkCurrency(x, d); err != nil {
		return err
	}
	c := &Currency{CurrencyData: d, Creator: x.me, Index: x.Index, Updated: x.Index}
	s.currencies[d.Code] = c
	s.dirty[[2]string{KindCurrency, d.Code}] = true
	if dm := d.Demurrage; dm != nil {
		s.open(c, dm.Dust, x.holderKind(dm.Dust), x.Index)
		if dm.To != "" {
			s.open(c, dm.To, x.holderKind(dm.To), x.Index)
		}
	}
	return nil
}

// open returns the account of holder in c, opening it at idx if needed.
func (s *State) open(c *Currency, holder, kind string, idx int64) *Account {
	id := c.Code + "/" + holder
	if a := s.accounts[id]; a != nil {
		return a
	}
	a := &Account{ID: id, Currency: c.Code, Holder: holder, Kind: kind, Opened: idx, Updated: idx}
	s.accounts[id] = a
	s.order[c.Code] = append(s.order[c.Code], id)
	c.Accounts++
	s.dirty[[2]string{KindAccount, id}] = true
	s.dirty[[2]string{KindCurrency, c.Code}] = true
	return a
}

// check is everything credit.transfer checks, without changing anything:
// nil, or the refusal the event would get. warn reports a payer that ends
// beyond its soft limit (accepted, and counted).
func (s *State) check(x op, d TransferData) (warn bool, err error) {
	au := x.Auth
	c := s.currencies[d.Currency]
	if c == nil {
		return false, refuse("there is no credit currency %q on this node: a transfer is in the currency its accounts keep", d.Currency)
	}
	if d.Amount <= 0 || d.Amount > MaxBalance {
		return false, refuse("an amount is 1 to %d minor units of %s, not %d", int64(MaxBalance), c.Code, d.Amount)
	}
	if err := checkText("a transfer's reference", d.Reference, MaxReference, true); err != nil {
		return false, err
	}
	if d.From == d.To {
		return false, refuse("a transfer is between two accounts, not from one to itself")
	}
	fromKind, toKind := x.holderKind(d.From), x.holderKind(d.To)
	if fromKind == "" {
		return false, refuse("the payer %q is no agent or commons", d.From)
	}
	if toKind == "" {
		return false, refuse("the payee %q is no agent or commons", d.To)
	}
	if fromKind == HolderAgent {
		err = au.May(x.me, authority.PayCredit, authority.Node().With(d.From))
	} else {
		cm := x.commons.Commons(d.From)
		err = au.May(x.me, authority.PayFromCommons, authority.In(cm.ID, cm.Name))
	}
	if err != nil {
		return false, err
	}
	from := s.accounts[c.Code+"/"+d.From]
	if from == nil {
		from = &Account{Currency: c.Code, Holder: d.From, Kind: fromKind}
	}
	after := from.Balance - d.Amount
	if limit := s.HardLimit(c, from, au); after < -limit {
		return false, meent.Errorf(meent.ERULE, "the transfer would take %s to %d minor units of %s, beyond its hard limit of -%d",
			d.From, after, c.Code, limit)
	}
	to := s.accounts[c.Code+"/"+d.To]
	toBal := int64(0)
	if to != nil {
		toBal = to.Balance
	}
	if toBal+d.Amount > MaxBalance {
		return false, refuse("the transfer would take %s beyond %d minor units", d.To, int64(MaxBalance))
	}
	if issued := c.Issued + max(0, -after) - max(0, -from.Balance); issued > MaxBalance {
		return false, refuse("the credit outstanding in %s would exceed %d minor units", c.Code, int64(MaxBalance))
	}
	soft := s.SoftLimit(c, from)
	return soft > 0 && after < -soft, nil
}

func (s *State) transfer(x op) error {
	var d TransferData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	warn, err := s.check(x, d)
	if err != nil {
		return err
	}
	c := s.currencies[d.Currency]
	from := s.open(c, d.From, x.holderKind(d.From), x.Index)
	to := s.open(c, d.To, x.holderKind(d.To), x.Index)
	s.move(c, from, to, d.Amount, x.Index)
	from.Bought += d.Amount
	from.Transfers++
	to.Sold += d.Amount
	to.Transfers++
	if warn {
		from.Warnings++
		c.Warnings++
	}
	c.Transfers++
	c.Volume = min(c.Volume+d.Amount, 1<<62)
	c.Updated = x.Index
	return nil
}

// move debits from and credits to, keeping the currency's outstanding
// credit; the caller checked the bounds.
func (s *State) move(c *Currency, from, to *Account, amount, idx int64) {
	c.Issued -= max(0, -from.Balance) + max(0, -to.Balance)
	from.Balance -= amount
	to.Balance += amount
	c.Issued += max(0, -from.Balance) + max(0, -to.Balance)
	from.Updated, to.Updated = idx, idx
	s.dirty[[2]string{KindAccount, from.ID}] = true
	s.dirty[[2]string{KindAccount, to.ID}] = true
	s.dirty[[2]string{KindCurrency, c.Code}] = true
}

func (s *State) limitSet(x op) error {
	var d LimitData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c := s.currencies[d.Currency]
	if c == nil {
		return refuse("there is no credit currency %q on this node", d.Currency)
	}
	if err := x.Auth.May(x.me, authority.SetCreditLimit, authority.Node().About(d.Account)); err != nil {
		return err
	}
	kind := x.holderKind(d.Account)
	if kind == "" {
		return refuse("the account holder %q is no agent or commons", d.Account)
	}
	if d.Limit < 0 || d.Limit > MaxBalance || d.Soft < 0 {
		return refuse("a limit is 0 to %d minor units", int64(MaxBalance))
	}
	if d.Soft > d.Limit {
		return refuse("the soft limit %d is beyond the hard limit %d", d.Soft, d.Limit)
	}
	if d.Decision != "" && !isHash(d.Decision) {
		return refuse("a decision is named by its event's hash (64 lowercase hex digits), not %q", d.Decision)
	}
	// Whoever acts by a decision (a Granter, not the admin role) names it,
	// so that the log says why this account's limit changed.
	if d.Decision == "" && !x.Auth.Is(x.me, authority.Admin, authority.Node()) {
		return refuse("a limit set by a decision names the decision")
	}
	a := s.open(c, d.Account, kind, x.Index)
	lim, soft := d.Limit, d.Soft
	a.Limit, a.Soft, a.Decision, a.Updated = &lim, &soft, d.Decision, x.Index
	s.dirty[[2]string{KindAccount, a.ID}] = true
	return nil
}

func (s *State) demurrage(x op) error {
	var d DemurrageData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c := s.currencies[d.Currency]
	if c == nil {
		return refuse("there is no credit currency %q on this node", d.Currency)
	}
	if err := x.Auth.May(x.me, authority.ApplyDemurrage, authority.Node()); err != nil {
		return err
	}
	dm := c.Demurrage
	if dm == nil {
		return refuse("the currency %s has no demurrage", c.Code)
	}
	_, end, err := ParsePeriod(d.Period)
	if err != nil {
		return err
	}
	if s.periods[c.Code+"/"+d.Period] != nil {
		return meent.Errorf(meent.ECONFLICT, "demurrage of %s for %s was applied already", c.Code, d.Period)
	}
	// The next month after the last applied, or the first the currency
	// charges when that is later (demurrage started again after a pause).
	want := dm.From
	if c.Last != "" && NextPeriod(c.Last) > want {
		want = NextPeriod(c.Last)
	}
	if d.Period != want {
		return refuse("the next period of %s to apply demurrage for is %s, not %s", c.Code, want, d.Period)
	}
	if x.ev.Time < end {
		return refuse("the period %s has not ended (it ends at %d ms)", d.Period, end)
	}
	if d.RatePPM != dm.RatePPM || d.Grace != dm.Grace {
		return refuse("demurrage of %s is %d ppm above %d, not %d ppm above %d", c.Code, dm.RatePPM, dm.Grace, d.RatePPM, d.Grace)
	}
	// Nothing can fail from here: charges only take positive balances
	// toward zero, and what they credit is at most the currency's
	// outstanding credit (≤ MaxBalance).
	p := &Period{ID: c.Code + "/" + d.Period, Currency: c.Code, Period: d.Period, RatePPM: dm.RatePPM, Grace: dm.Grace,
		To: dm.To, DustTo: dm.Dust, Index: x.Index, Author: x.me}
	n := int64(0)
	for _, id := range s.order[c.Code] {
		a := s.accounts[id]
		if ch := Charge(a.Balance, dm.Grace, dm.RatePPM); ch > 0 {
			a.Balance -= ch
			a.Demurrage += ch
			a.Updated = x.Index
			p.Debits += ch
			p.Charged++
			s.dirty[[2]string{KindAccount, id}] = true
		}
		if a.Kind == HolderAgent {
			n++
		}
	}
	if dm.To != "" {
		n = 1
	}
	p.Shares = n
	p.Share, p.Dust = Split(p.Debits, n)
	p.Credits = p.Share * n
	credit := func(a *Account, v int64) {
		if v == 0 {
			return
		}
		c.Issued -= max(0, -a.Balance)
		a.Balance += v
		c.Issued += max(0, -a.Balance)
		a.Dividend += v
		a.Updated = x.Index
		s.dirty[[2]string{KindAccount, a.ID}] = true
	}
	if dm.To != "" {
		credit(s.accounts[c.Code+"/"+dm.To], p.Share)
	} else if p.Share > 0 {
		for _, id := range s.order[c.Code] {
			if a := s.accounts[id]; a.Kind == HolderAgent {
				credit(a, p.Share)
			}
		}
	}
	credit(s.accounts[c.Code+"/"+dm.Dust], p.Dust)
	c.Last, c.Updated = d.Period, x.Index
	s.periods[p.ID] = p
	s.dirty[[2]string{KindPeriod, p.ID}] = true
	s.dirty[[2]string{KindCurrency, c.Code}] = true
	return nil
}

func isHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkCurrency checks what a currency's creation and updates state
// besides its code.
func checkCurrency(x op, d CurrencyData) error {
	if err := checkText("a currency's name", d.Name, MaxName, true); err != nil {
		return err
	}
	if d.Exponent < 0 || d.Exponent > MaxExponent {
		return refuse("a currency's exponent is 0 to %d, not %d", MaxExponent, d.Exponent)
	}
	l := d.Limits
	for _, v := range []int64{l.Default, l.Soft, l.Commons, l.GrowthCap} {
		if v < 0 || v > MaxBalance {
			return refuse("a limit is 0 to %d minor units, not %d", int64(MaxBalance), v)
		}
	}
	if l.Soft > l.Default {
		return refuse("the soft limit %d is beyond the hard limit %d: a soft limit warns before the hard one refuses", l.Soft, l.Default)
	}
	if l.GrowthPerMille < 0 || l.GrowthPerMille > 1000 {
		return refuse("growth_per_mille is 0 to 1000, not %d", l.GrowthPerMille)
	}
	if l.GrowthPerMille > 0 && l.GrowthCap <= l.Default {
		return refuse("a limit that grows with sales needs a growth_cap above the default limit %d", l.Default)
	}
	if l.GrowthPerMille == 0 && l.GrowthCap != 0 {
		return refuse("growth_cap without growth_per_mille")
	}
	if dm := d.Demurrage; dm != nil {
		if dm.RatePPM <= 0 || dm.RatePPM >= PPM {
			return refuse("a demurrage rate is 1 to %d parts per million per period, not %d", PPM-1, dm.RatePPM)
		}
		if dm.Grace < 0 || dm.Grace > MaxBalance {
			return refuse("a grace amount is 0 to %d minor units", int64(MaxBalance))
		}
		if _, _, err := ParsePeriod(dm.From); err != nil {
			return err
		}
		if x.holderKind(dm.Dust) == "" {
			return refuse("the dust account %q is no agent or commons", dm.Dust)
		}
		if dm.To != "" && x.holderKind(dm.To) == "" {
			return refuse("the demurrage account %q is no agent or commons", dm.To)
		}
	}
	return nil
}

func (s *State) currencyUpdate(x op) error {
	var d CurrencyData
	if err := x.ev.DecodeData(&d); err != nil {
		return err
	}
	c := s.currencies[d.Code]
	if c == nil {
		return refuse("there is no credit currency %q on this node", d.Code)
	}
	if err := x.Auth.May(x.me, authority.UpdateCurrency, authority.Node().About(d.Code)); err != nil {
		return err
	}
	if d.Exponent != c.Exponent {
		return refuse("the exponent of %s is %d and never changes: every amount of its log is in those minor units", c.Code, c.Exponent)
	}
	if err := checkCurrency(x, d); err != nil {
		return err
	}
	if dm := d.Demurrage; dm != nil && c.Last != "" && dm.From <= c.Last {
		return refuse("demurrage of %s was applied up to %s; it starts again from a later month, not %s", c.Code, c.Last, dm.From)
	}
	c.CurrencyData, c.Updated = d, x.Index
	s.dirty[[2]string{KindCurrency, d.Code}] = true
	if dm := d.Demurrage; dm != nil {
		s.open(c, dm.Dust, x.holderKind(dm.Dust), x.Index)
		if dm.To != "" {
			s.open(c, dm.To, x.holderKind(dm.To), x.Index)
		}
	}
	return nil
}
