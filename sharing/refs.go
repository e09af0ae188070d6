package sharing

import "github.com/meent/meent/ledger"

// Refs returns the commons and the agents an event of this package
// touches besides its author, for the store's event index: the commons of
// the catalogue, resource or booking; the stewards a catalogue names; the
// agent a training is recorded for; the booker of a booking that someone
// approves, cancels, ends, hands over or records a fee of. It is called
// right after ev was applied.
func (s *State) Refs(ev *ledger.Event) (commons, agents []string) {
	switch ev.Type {
	case TypeCatalogue:
		var d CatalogueData
		ev.DecodeData(&d)
		return one(d.Commons), d.Stewards
	case TypeResourceAdd:
		var d ResourceData
		ev.DecodeData(&d)
		return one(d.Commons), nil
	case TypeResourceUpdate, TypeResourceStatus, TypeDamage, TypeRepair:
		var d struct {
			Resource string `json:"resource"`
		}
		ev.DecodeData(&d)
		if r := s.resources[d.Resource]; r != nil {
			return one(r.Commons), nil
		}
	case TypeTraining:
		var d TrainingData
		ev.DecodeData(&d)
		return one(d.Commons), one(d.Agent)
	case TypeBook:
		if b := s.bookings[ev.Hash.String()]; b != nil {
			return one(b.Commons), nil
		}
	case TypeApprove, TypeCancel, TypeEnd, TypeCheckOut, TypeCheckIn, TypePay:
		var d struct {
			Booking string `json:"booking"`
		}
		ev.DecodeData(&d)
		if b := s.bookings[d.Booking]; b != nil {
			return one(b.Commons), one(b.Agent)
		}
	}
	return nil, nil
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}
