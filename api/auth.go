package api

// SessionCookie is the name of the cookie that holds a login session.
const SessionCookie = "meent_session"

// CSRFHeader carries the session's CSRF token on cookie-authenticated API
// requests that change anything.
const CSRFHeader = "X-CSRF-Token"
