"""Pure rules: no ORM, no request. The configuration schema, the diff engine, the
reference grammar, channel routing, eval checks, statistics and text cleaning."""
