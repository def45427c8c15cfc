import {BaseCommand} from '../lib/cli/base-command.js'

export interface VersionResult {
  version: string
  node: string
  platform: string
  arch: string
}

export default class Version extends BaseCommand<typeof Version> {
  static override summary = 'Print the hcal version (also: hcal --version, hcal -v).'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<VersionResult> {
    this.out.data(this.config.userAgent)
    return {
      version: this.config.version,
      node: process.versions.node,
      platform: this.config.platform,
      arch: this.config.arch,
    }
  }
}
