"""A small procedure with every kind of step, and helpers to build procedures from text."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

from manualviewer.core.procedures import Procedure, parse_procedure

T0 = dt.datetime(2024, 5, 1, 9, 30, tzinfo=dt.UTC)

SAMPLE = """\
id: sample
title: Sample procedure
version: 2
summary: Every kind of step.
sections: [DMBM511015]
allow_out_of_order: [late]
steps:
  - id: details
    kind: input
    title: Details
    next: point
    fields:
      - name: customer_reference
        label: Customer reference
        type: customer_reference
      - name: call_date
        label: Date of the call
        type: date
        required: false
      - name: channel
        label: Channel
        type: choice
        options: [Phone, Email]
        required: false
      - name: details
        label: Details
        required: false
        max_length: 20
        pattern: "[a-z ]*"
        hint: lower case letters
  - id: point
    kind: check
    title: The point
    text: The point is confirmed.
    section: DMBM511130
    next: question
    not_confirmed:
      label: Not confirmed
      note: The point was not confirmed.
      next: worry
  - id: question
    kind: question
    title: Which way?
    choices:
      - id: left
        label: Left
        note: Went left.
        next: read
      - id: right
        label: Right
        next: letter
  - id: read
    kind: info
    title: Read this
    next: end
  - id: letter
    kind: document
    title: Letter
    name: letter
    next: end
    template: |
      Dear customer, you {action}.

      {extra}

      Yours, {officer}
    options:
      - name: action
        label: Action
        choices:
          - {id: intend, label: intend to, text: intend to publish}
          - {id: have, label: have, text: have published}
      - name: extra
        label: Extra paragraph
        default: delete
        choices:
          - {id: include, label: Include, text: "Contact {service}."}
          - {id: delete, label: Delete, text: ""}
      - name: service
        label: Service
        choices:
          - {id: jcp, label: Jobcentre Plus, text: Jobcentre Plus}
          - {id: pdcs, label: PDCS, text: PDCS}
  - id: worry
    kind: escalate
    title: Tell your line manager
    reason: Customer {customer_reference} did not confirm the point.
    next: end
  - id: late
    kind: info
    title: Late disclosure
    note: Told me late.
    next: end
  - id: end
    kind: end
    title: Note
    note: |
      Ref: {customer_reference}
      Date: {call_date}
      Confirmed:
      {confirmed}
      Notes:
      {notes}
      Escalated:
      {escalations}
      {letter}
"""


def build(text: str, name: str = "sample.yaml") -> Procedure:
    procedure, problems = parse_procedure(textwrap.dedent(text), Path(name))
    assert procedure is not None, problems
    assert not problems, problems
    return procedure


def minutes(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)
