"""An OpenAPI 3.0 document in YAML: nullable, boolean exclusive bounds, allOf inheritance with a
discriminator on the parent."""

import yaml

from harness.spectools import diff, lint

PETS_30 = """
openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 0, exclusiveMinimum: true}}
      responses:
        200:
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
    put:
      operationId: putPet
      parameters:
        - {$ref: '#/components/parameters/Id'}
      requestBody:
        required: true
        content:
          application/json:
            schema:
              oneOf:
                - $ref: '#/components/schemas/Cat'
                - $ref: '#/components/schemas/Dog'
              discriminator:
                propertyName: petType
                mapping: {cat: '#/components/schemas/Cat', dog: '#/components/schemas/Dog'}
      responses:
        204: {description: stored}
components:
  parameters:
    Id: {name: id, in: path, required: true, schema: {type: integer}}
  schemas:
    Pet:
      type: object
      required: [petType, name]
      properties:
        petType: {type: string}
        name: {type: string, nullable: true}
      discriminator:
        propertyName: petType
        mapping: {cat: Cat, dog: Dog}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          properties:
            petType: {type: string, enum: [cat]}
            lives: {type: integer}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          properties:
            petType: {type: string, enum: [dog]}
            bark: {type: boolean}
"""


def test_lint_understands_openapi_30(tmp_path):
    path = tmp_path / "pets.yaml"
    path.write_text(PETS_30)
    found = {(f.rule, f.pointer) for f in lint(path)}
    # Cat and Dog fix petType through allOf; both require it via Pet: no discriminator findings
    assert not [r for r, _ in found if r.startswith("discriminator-")]
    # the parent-level discriminator leaves Pet.petType a free string: listed for the record
    assert ("enum-single-member", "/components/schemas/Cat/allOf/1/properties/petType/enum") in found


def test_diff_understands_nullable_and_inheritance(tmp_path):
    old = yaml.safe_load(PETS_30)
    new = yaml.safe_load(PETS_30)
    del new["components"]["schemas"]["Pet"]["properties"]["name"]["nullable"]  # name no longer null
    new["components"]["schemas"]["Dog"]["allOf"][1]["required"] = ["bark"]  # requests must now send bark
    rules = {(c.rule, c.impact.value, c.direction) for c in diff(old, new)}
    assert rules == {
        ("response-no-longer-nullable", "info", "response"),
        ("request-no-longer-nullable", "breaking", "request"),
        ("request-property-became-required", "breaking", "request"),
    }
