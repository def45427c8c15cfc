// The one entry to @peculiar/x509. It resolves its services through tsyringe, which needs the Reflect
// metadata polyfill loaded first, and it signs through the WebCrypto provider we give it here, so every
// importer gets a ready library whichever module loads it first.
import 'reflect-metadata'

import {webcrypto} from 'node:crypto'

import {cryptoProvider} from '@peculiar/x509'

cryptoProvider.set(webcrypto as unknown as Parameters<typeof cryptoProvider.set>[0])

export * from '@peculiar/x509'
