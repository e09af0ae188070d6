// Package payout turns the open balances a commons owes into payment files:
// a CSV for the treasurer (WriteCSV) and an ISO 20022 pain.001.001.09 SEPA
// credit transfer file that banks accept (WriteSEPA).
//
// # Why account details stay out of the log
//
// The ledger is public and append-only. An IBAN is personal data: it names
// a person's bank account, and an entry in the log can never be erased. So
// the log knows recipients only by agent ID, identity or pool name, and the
// treasurer keeps a separate payee file that maps them to an account holder,
// IBAN and BIC (ReadPayees, WritePayees). Payment files are made by joining
// the two, offline, and go to the bank, never to the log. What goes back
// into the log afterwards is a payout.settle event that carries the amount
// and the bank's reference, not the account.
//
// # Minimum payout and carry-forward
//
// A transfer costs work and often a fee, so tiny amounts are not worth
// sending. Select pays a balance in full once its open amount reaches the
// minimum and carries smaller ones forward: nothing is settled for them, so
// they stay open in the balance until later allocations lift them over the
// minimum. Nothing is rounded, split or lost: per currency, what is paid
// plus what is carried is exactly what was open.
//
// The package is pure: it reads and writes only through io.Reader and
// io.Writer, takes times as arguments, and counts money in int64 minor
// units (never floating point), so the same inputs always give the same
// bytes.
package payout
