package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"

	"github.com/meent/meent/api"
	"github.com/meent/meent/ledger"
)

// pageFlags are the paging flags of a list command. Without them a list
// follows the API's cursors and prints every page as one (what the Go
// client does); with --limit or --cursor it prints the one page the API
// answers, its "next" included, for a script that pages by itself.
type pageFlags struct {
	limit  int
	cursor string
}

func (p *pageFlags) bind(fs *flag.FlagSet) {
	fs.IntVar(&p.limit, "limit", 0, fmt.Sprintf("print one page of at most this many (1 to %d) with its \"next\" cursor, instead of every page", api.MaxLimit))
	fs.StringVar(&p.cursor, "cursor", "", "print the page after this cursor (a page's \"next\")")
}

// one reports whether one page was asked for.
func (p *pageFlags) one() bool { return p.limit != 0 || p.cursor != "" }

// page prints the one page of the list at base+path with query q.
func (p *pageFlags) page(ctx context.Context, stdout io.Writer, base, path string, q url.Values) error {
	if q == nil {
		q = url.Values{}
	}
	if p.limit != 0 {
		q.Set("limit", strconv.Itoa(p.limit))
	}
	if p.cursor != "" {
		q.Set("cursor", p.cursor)
	}
	return getJSON(ctx, stdout, base+path+"?"+q.Encode())
}

// eventListFlags: event list reads GET /api/v1/events, newest first, by
// author, type, and the event index (the events of a commons, the events
// touching an agent): one page, or with --all every page as one.
func eventListFlags(fs *flag.FlagSet) action {
	var r remote
	r.bind(fs)
	var p pageFlags
	p.bind(fs)
	commonsID := fs.String("commons", "", "only the events of this commons (the event index)")
	touches := fs.String("touches", "", "only the events touching this agent: what it signed and what others did about it")
	author := fs.String("author", "", "only events signed by this agent")
	typ := fs.String("type", "", "only events of this type")
	// The whole log can be long: one page unless --all is asked for.
	all := fs.Bool("all", false, "follow the cursors and print every matching event")
	return func(ctx context.Context, stdout, stderr io.Writer) error {
		q := url.Values{}
		for k, v := range map[string]string{"commons": *commonsID, "touches": *touches, "author": *author} {
			if v == "" {
				continue
			}
			if _, err := ledger.ParseHash(v); err != nil {
				return fmt.Errorf("--%s: not an ID (64 lowercase hex digits)", k)
			}
			q.Set(k, v)
		}
		if *typ != "" {
			q.Set("type", *typ)
		}
		if !*all {
			return p.page(ctx, stdout, r.base(), "/api/v1/events", q)
		}
		if p.one() {
			return fmt.Errorf("--all follows every cursor: give it without --limit and --cursor")
		}
		out := api.EventList{Events: []api.Event{}}
		q.Set("limit", strconv.Itoa(api.MaxLimit))
		for {
			var page api.EventList
			if err := fetchJSON(ctx, r.base()+"/api/v1/events?"+q.Encode(), &page); err != nil {
				return err
			}
			out.Events = append(out.Events, page.Events...)
			if page.Next == "" {
				return printJSON(stdout, out)
			}
			q.Set("cursor", page.Next)
		}
	}
}
