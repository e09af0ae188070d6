// Package sharing holds the rules of shared means of production: a
// commons' catalogue of tools, machines, rooms and vehicles, and the
// bookings of them. It is the tool library of Brest and the fab lab of
// ../docs/sharing.md: nobody needs to own every tool when it is there when
// needed.
//
// The one promise the rules keep above all: no two bookings of one item
// ever overlap, buffers included. A booking holds its item from Start to
// Until (its End plus the resource's buffer); the rules refuse a booking
// whose span meets a held one, and since every node, `meent verify` and a
// federated peer replay the same rules over the same log, they all reach
// the same verdict. The store's bookings table refuses an overlap too
// (an exclusion constraint on PostgreSQL, a trigger on SQLite), as a
// second line under the rules.
//
// Times are milliseconds since the epoch (UTC) in the events and objects;
// opening hours are local times in the catalogue's time zone, so a booking
// from 9:00 to 10:00 on the day clocks go forward is an hour after the
// same booking the day before, in UTC.
//
// Like every rule area, the package is pure: no I/O, no clock. Times come
// from the events.
package sharing
