from __future__ import annotations

import uuid

from shared.db import UowFactory
from shared.outbox.store import claim


def test_an_event_is_claimed_once_per_consumer(uow_factory: UowFactory) -> None:
    event_id = uuid.uuid4()
    with uow_factory() as uow:
        assert claim(uow.session, consumer="routing", event_id=event_id) is True
        uow.commit()
    with uow_factory() as uow:
        assert claim(uow.session, consumer="routing", event_id=event_id) is False
        assert claim(uow.session, consumer="notify", event_id=event_id) is True
        uow.commit()


def test_a_claim_rolled_back_with_its_effect_can_be_made_again(uow_factory: UowFactory) -> None:
    event_id = uuid.uuid4()
    with uow_factory() as uow:
        assert claim(uow.session, consumer="routing", event_id=event_id)
        # no commit: the effect failed, so the claim must not stick
    with uow_factory() as uow:
        assert claim(uow.session, consumer="routing", event_id=event_id)
