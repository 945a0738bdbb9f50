"""Draft → submission → version: publishing and the board's approval (``services``), which
changes are faglige or administrative (``changes``), comparison, history, restore, and
their forms, views and urls. Never imports the yearly follow-up (``opfoelgning``)."""
