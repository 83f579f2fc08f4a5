"""Small shared helpers with no domain: money formatting, time zones, PDF
rendering. Any app may import them; they import no app."""
