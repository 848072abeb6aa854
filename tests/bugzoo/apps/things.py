"""A small create/get API that declares its errors as ``{"error": {"message", "type", "code"}}``
(400 for a bad body, 404 for a missing thing). Each bug breaks the error contract once."""

from __future__ import annotations

from functools import cache

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from harness.contract import ApiSpec

from ..zoo import Driver, SeededBug
from ._errors import ERRORS, error, install_error_handlers

NAME = "things"

BUGS = {
    "server_error_on_bad_body": SeededBug(
        "not_a_server_error",
        "server error 500",
        also=frozenset({"status_code_declared", "error_format_consistent"}),
    ),
    "undocumented_status": SeededBug("status_code_declared", "status 410 is not declared"),
    "error_body_wrong_shape": SeededBug(
        "error_schema",
        "the 404 error body does not match its schema",
        also=frozenset({"error_format_consistent"}),
    ),
}


class NewThing(BaseModel):
    name: str = Field(min_length=1)


class Thing(BaseModel):
    id: str
    object: str = "thing"
    name: str


def make_app(bug: str | None = None) -> FastAPI:
    if bug is not None and bug not in BUGS:
        raise ValueError(f"unknown bug {bug!r}; known: {', '.join(BUGS)}")
    app = FastAPI(title=f"zoo {NAME} ({bug or 'clean'})")
    install_error_handlers(app)
    things: dict[str, Thing] = {}

    if bug == "server_error_on_bad_body":

        @app.post("/v1/things", response_model=Thing, responses=ERRORS)
        async def create_unchecked(request: Request) -> Thing:
            body = await request.json()
            thing = Thing(id=f"thing_{len(things) + 1}", name=body["name"].strip())  # crashes on a bad body
            things[thing.id] = thing
            return thing
    else:

        @app.post("/v1/things", response_model=Thing, responses=ERRORS)
        def create(body: NewThing) -> Thing:
            thing = Thing(id=f"thing_{len(things) + 1}", name=body.name)
            things[thing.id] = thing
            return thing

    @app.get("/v1/things/{thing_id}", response_model=Thing, responses=ERRORS)
    def get(thing_id: str):
        if thing_id in things:
            return things[thing_id]
        if bug == "undocumented_status":
            return error(410, f"thing {thing_id} is gone", "gone")
        if bug == "error_body_wrong_shape":
            return JSONResponse({"detail": f"thing {thing_id} not found"}, status_code=404)
        raise HTTPException(404, f"thing {thing_id} not found")

    return app


@cache
def spec() -> ApiSpec:
    return ApiSpec.from_dict(make_app().openapi(), source=f"FastAPI-generated spec of zoo {NAME}")


async def exercise(driver: Driver) -> None:
    created = await driver.send("POST", "/v1/things", json={"name": "lamp"})
    await driver.send("GET", f"/v1/things/{created.json()['id']}")
    await driver.send("POST", "/v1/things", json={"name": 5})  # a bad body: 400 expected
    await driver.send("POST", "/v1/things", json={})  # another bad body
    await driver.send("GET", "/v1/things/thing_404")
